package org.mailslot.protocols.outbound;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The header section of a queued message, for the text/rfc822-headers part of a delivery status notification (RFC
 * 3462): its bytes up to the blank line, with bare LFs made CRLF, cut at a line boundary after {@link #MAX_BYTES}.
 */
final class OriginalHeaders {
    /** A report carries the headers, not a copy of a large header section (some have megabytes of Received). */
    static final int MAX_BYTES = 64 * 1024;

    private OriginalHeaders() {}

    /** Reads from {@code in} (buffered by the caller) only as far as the header section goes. */
    static byte[] read(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\r') {
                continue; // line ends are written as CRLF below
            }
            if (b != '\n') {
                if (out.size() + line.size() + 2 >= MAX_BYTES) {
                    line.reset(); // a line that does not fit is left out whole
                    break;
                }
                line.write(b);
                continue;
            }
            if (line.size() == 0) {
                break; // the blank line that ends the header section
            }
            if (out.size() + line.size() + 2 > MAX_BYTES) {
                break;
            }
            line.writeTo(out);
            out.write('\r');
            out.write('\n');
            line.reset();
        }
        if (line.size() > 0 && out.size() + line.size() + 2 <= MAX_BYTES) { // a message that is all header
            line.writeTo(out);
            out.write('\r');
            out.write('\n');
        }
        return out.toByteArray();
    }
}
