package org.mailslot.protocols.pop3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Copies a stored message to a POP3 multi-line response (RFC 1939 section 3): every line that starts with "."
 * gets another ".", lines end in CRLF (a bare LF becomes CRLF), the last line is ended if it was not, and the
 * terminating ".CRLF" follows. Streams in small buffers, so a body of any size takes constant memory.
 */
final class DotStuffer {
    /** {@code bodyLines} value that copies the whole message. */
    static final long ALL = -1;

    private static final int BUFFER = 8192;

    private DotStuffer() {
    }

    /**
     * Copies {@code in} to {@code out}: the whole message, or (TOP) the header, the blank line and then at most
     * {@code bodyLines} lines of the body. Writes the terminating "." line. Does not flush or close.
     */
    static void copy(InputStream in, OutputStream out, long bodyLines) throws IOException {
        if (bodyLines == ALL) {
            copyAll(in, out);
            return;
        }
        byte[] src = new byte[BUFFER];
        byte[] dst = new byte[BUFFER * 2 + 2];
        boolean lineStart = true;
        boolean prevCr = false;
        int lineLength = 0; // bytes of the current line before its LF, CR included
        boolean inHeader = bodyLines != ALL;
        long linesLeft = bodyLines;
        boolean done = false;
        int n;
        reading:
        while (!done && (n = in.read(src)) >= 0) {
            int o = 0;
            for (int i = 0; i < n; i++) {
                byte b = src[i];
                if (lineStart && b == '.') {
                    dst[o++] = '.';
                }
                lineStart = false;
                if (b == '\n') {
                    if (!prevCr) {
                        dst[o++] = '\r';
                    }
                    dst[o++] = '\n';
                    boolean empty = lineLength == 0 || (lineLength == 1 && prevCr);
                    lineStart = true;
                    lineLength = 0;
                    prevCr = false;
                    if (bodyLines != ALL) {
                        if (inHeader) {
                            inHeader = !empty;
                            done = !inHeader && linesLeft == 0;
                        } else {
                            done = --linesLeft == 0;
                        }
                        if (done) {
                            out.write(dst, 0, o);
                            break reading;
                        }
                    }
                } else {
                    dst[o++] = b;
                    prevCr = b == '\r';
                    lineLength++;
                }
            }
            out.write(dst, 0, o);
        }
        if (!lineStart) {
            out.write(prevCr ? new byte[]{'\n'} : new byte[]{'\r', '\n'});
        }
        out.write(new byte[]{'.', '\r', '\n'});
    }

    /**
     * RETR: the whole message. Writes runs of bytes straight from the read buffer and touches the output only
     * where a "." must be added or a bare LF needs its CR, which stored mail (CRLF-normalized at delivery)
     * almost never has: the hot path is one comparison per byte.
     */
    private static void copyAll(InputStream in, OutputStream out) throws IOException {
        byte[] src = new byte[BUFFER * 8];
        boolean lineStart = true;
        boolean prevCr = false;
        int n;
        while ((n = in.read(src)) >= 0) {
            if (n == 0) {
                continue;
            }
            int run = 0;
            if (lineStart && src[0] == '.') {
                out.write('.');
            }
            for (int i = 0; i < n; i++) {
                if (src[i] == '\n') {
                    boolean cr = i > 0 ? src[i - 1] == '\r' : prevCr;
                    if (!cr) {
                        out.write(src, run, i - run);
                        out.write('\r');
                        run = i;
                    }
                    if (i + 1 < n && src[i + 1] == '.') {
                        out.write(src, run, i + 1 - run);
                        out.write('.');
                        run = i + 1;
                    }
                }
            }
            out.write(src, run, n - run);
            lineStart = src[n - 1] == '\n';
            prevCr = src[n - 1] == '\r';
        }
        if (!lineStart) {
            out.write(prevCr ? new byte[]{'\n'} : new byte[]{'\r', '\n'});
        }
        out.write(new byte[]{'.', '\r', '\n'});
    }
}
