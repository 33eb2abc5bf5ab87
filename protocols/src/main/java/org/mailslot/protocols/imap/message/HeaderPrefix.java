package org.mailslot.protocols.imap.message;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a message only up to and including the first blank line (a line that is just LF or CRLF), or to its end
 * when it has none. {@link HeaderBlock} ends the header at that line or earlier, so a {@link PartMap} of the prefix
 * has the same top-level header as one of the whole message: enough for HEADER, HEADER.FIELDS and where TEXT starts.
 */
public final class HeaderPrefix {
    private static final int CHUNK = 8192;

    private HeaderPrefix() {}

    /** The prefix; reads at most one chunk past it from {@code in}, which the caller owns. */
    public static byte[] read(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(CHUNK);
        byte[] chunk = new byte[CHUNK];
        int lineLength = 0; // bytes of the current line so far, CR included
        boolean lineIsCr = false; // the current line so far is exactly "\r"
        for (int n; (n = in.read(chunk)) > 0; ) {
            for (int i = 0; i < n; i++) {
                byte b = chunk[i];
                if (b == '\n') {
                    if (lineLength == 0 || (lineLength == 1 && lineIsCr)) {
                        out.write(chunk, 0, i + 1);
                        return out.toByteArray();
                    }
                    lineLength = 0;
                    lineIsCr = false;
                } else {
                    lineIsCr = lineLength == 0 && b == '\r';
                    lineLength++;
                }
            }
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }
}
