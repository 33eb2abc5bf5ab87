package org.mailslot.core.mime;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts octets and text lines of a stream as it is read, and remembers whether the underlying
 * source failed (so a broken source is told apart from a broken message).
 */
final class OctetCounter extends FilterInputStream {
    private long size;
    private long newlines;
    private int last = -1;
    private boolean sourceFailed;

    OctetCounter(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int b;
        try {
            b = super.read();
        } catch (IOException e) {
            sourceFailed = true;
            throw e;
        }
        if (b >= 0) {
            see(b);
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n;
        try {
            n = super.read(buf, off, len);
        } catch (IOException e) {
            sourceFailed = true;
            throw e;
        }
        for (int i = 0; i < n; i++) {
            see(buf[off + i] & 0xff);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[8192];
        long done = 0;
        while (done < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void see(int b) {
        size++;
        if (b == '\n') {
            newlines++;
        }
        last = b;
    }

    /** Reads to the end of the stream. */
    OctetCounter drain() throws IOException {
        byte[] buf = new byte[8192];
        while (read(buf, 0, buf.length) >= 0) {
            // counting happens in read
        }
        return this;
    }

    long size() {
        return size;
    }

    /** Text lines: every line feed, plus a last line that lacks one. */
    long lines() {
        return newlines + (size > 0 && last != '\n' ? 1 : 0);
    }

    boolean sourceFailed() {
        return sourceFailed;
    }
}
