package org.mailslot.protocols.smtp.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Turns a stored message into the DATA stream (RFC 5321 4.5.2): every line ends in CRLF (a bare LF or bare CR
 * becomes CRLF), a line starting with "." gets a second one, the last line is terminated if it was not, and the
 * stream ends with ".CRLF".
 */
final class DataEncoder {
    private final OutputStream out;
    private final byte[] chunk = new byte[16384];
    private final byte[] encoded = new byte[chunk.length * 3 + 8];
    private boolean lineStart = true;
    private boolean afterCr;

    DataEncoder(OutputStream out) {
        this.out = out;
    }

    /** Copies all of {@code message}, encoded, then the terminating dot; does not flush. */
    void encode(InputStream message) throws IOException {
        int n;
        while ((n = message.read(chunk)) > 0) {
            int len = 0;
            for (int i = 0; i < n; i++) {
                byte b = chunk[i];
                if (b == '\n') {
                    if (!afterCr) {
                        encoded[len++] = '\r';
                    }
                    encoded[len++] = '\n';
                    lineStart = true;
                    afterCr = false;
                    continue;
                }
                if (afterCr) { // a bare CR: end the line there
                    encoded[len++] = '\n';
                    lineStart = true;
                    afterCr = false;
                }
                if (b == '\r') {
                    encoded[len++] = '\r';
                    afterCr = true;
                    lineStart = false;
                    continue;
                }
                if (lineStart && b == '.') {
                    encoded[len++] = '.';
                }
                encoded[len++] = b;
                lineStart = false;
            }
            out.write(encoded, 0, len);
        }
        if (afterCr) {
            out.write('\n');
        } else if (!lineStart) {
            out.write(new byte[]{'\r', '\n'});
        }
        out.write(new byte[]{'.', '\r', '\n'});
    }
}
