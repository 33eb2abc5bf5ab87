package org.mailslot.protocols.imap.parse;

import org.mailslot.core.net.Line;

import java.io.IOException;
import java.io.OutputStream;

/** Where {@link ImapReader} pulls a command from: lines with a length limit, exact byte counts for literals. */
public interface CommandSource {
    /** As {@code Connection.readLine(int)}: at most limit bytes, ending NONE when the limit came first; null at end of stream. */
    Line readLine(int limit) throws IOException;

    /** Copies exactly n bytes to sink; {@link java.io.EOFException} when the stream ends first. */
    void readExact(long n, OutputStream sink) throws IOException;

    /** Called before a synchronizing literal of {@code size} octets is read: send "+ ..." and flush. */
    void continuation(long size) throws IOException;
}
