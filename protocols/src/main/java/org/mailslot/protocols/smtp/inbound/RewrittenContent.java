package org.mailslot.protocols.smtp.inbound;

import org.mailslot.store.MessageContent;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.List;

/**
 * A message as passed on after the checks: our header fields in front of the received content, with some of its
 * header fields left out. Reads the original content each time it is opened; valid as long as that content is.
 */
final class RewrittenContent implements MessageContent {
    private final byte[] prefix;
    private final MessageContent original;
    private final List<Verdict.Removed> removed;
    private final long size;

    /** {@code removed}: byte ranges of {@code original}, ascending and not overlapping. */
    RewrittenContent(byte[] prefix, MessageContent original, List<Verdict.Removed> removed) {
        this.prefix = prefix.clone();
        this.original = original;
        this.removed = List.copyOf(removed);
        long cut = 0;
        long last = 0;
        for (Verdict.Removed r : this.removed) {
            if (r.start() < last || r.end() < r.start()) {
                throw new IllegalArgumentException("removed ranges must ascend and not overlap: " + removed);
            }
            cut += r.end() - r.start();
            last = r.end();
        }
        this.size = prefix.length + original.size() - cut;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public InputStream open() throws IOException {
        InputStream rest = removed.isEmpty() ? original.open() : new Skipping(original.open(), removed);
        return prefix.length == 0 ? rest : new SequenceInputStream(new ByteArrayInputStream(prefix), rest);
    }

    /** Passes its input through except the given ranges. */
    private static final class Skipping extends FilterInputStream {
        private final List<Verdict.Removed> ranges;
        private int next;
        private long pos;

        Skipping(InputStream in, List<Verdict.Removed> ranges) {
            super(in);
            this.ranges = ranges;
        }

        /** Skips a range that starts here; returns how many octets may be read before the next range starts. */
        private long readable() throws IOException {
            while (next < ranges.size() && ranges.get(next).start() <= pos) {
                Verdict.Removed r = ranges.get(next++);
                if (r.end() > pos) {
                    in.skipNBytes(r.end() - pos);
                    pos = r.end();
                }
            }
            return next < ranges.size() ? ranges.get(next).start() - pos : Long.MAX_VALUE;
        }

        @Override
        public int read() throws IOException {
            readable();
            int b = in.read();
            if (b >= 0) {
                pos++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n = in.read(b, off, (int) Math.min(len, readable()));
            if (n > 0) {
                pos += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = 0;
            while (skipped < n) {
                int r = read();
                if (r < 0) {
                    break;
                }
                skipped++;
            }
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
