package org.mailslot.protocols.imap.message;

import java.io.IOException;
import java.io.InputStream;

import org.mailslot.store.MessageMeta;

/**
 * The stored bytes of a message, for the keys that need its header (SEARCH HEADER/FROM/SENT*, SORT, THREAD). The
 * session wires {@code m -> store.openBody(m.blobHash())}; the caller closes the stream.
 */
@FunctionalInterface
public interface MessageSource {
    InputStream open(MessageMeta message) throws IOException;
}
