package org.mailslot.protocols.smtp;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes BDAT chunks with every bare LF turned into CRLF, across chunk boundaries, so that content stored from BDAT
 * has the same line endings as content stored from DATA. Bare CR is passed through, as in {@link DotDecoder}.
 */
final class CrlfNormalizer extends FilterOutputStream {
    private boolean lastWasCr;

    CrlfNormalizer(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        if (b == '\n' && !lastWasCr) {
            out.write('\r');
        }
        out.write(b);
        lastWasCr = b == '\r';
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int start = off;
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n' && !(i > off ? b[i - 1] == '\r' : lastWasCr)) {
                out.write(b, start, i - start);
                out.write('\r');
                start = i;
            }
        }
        out.write(b, start, off + len - start);
        if (len > 0) {
            lastWasCr = b[off + len - 1] == '\r';
        }
    }

    /** Does not close the target: the spool owns it. */
    @Override
    public void close() throws IOException {
        flush();
    }
}
