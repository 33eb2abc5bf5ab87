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

    /**
     * The message's top-level header: its bytes up to and including the blank line that ends it, at most
     * {@code maxBytes}. A source that keeps headers apart overrides this to skip reading and scanning the body.
     */
    default byte[] header(MessageMeta message, int maxBytes) throws IOException {
        try (InputStream in = open(message)) {
            return MessageHeaders.headerBytes(in, maxBytes);
        }
    }
}
