package org.mailslot.store;

import java.io.ByteArrayOutputStream;

/**
 * Collects a message's top-level header while its bytes stream past, for the {@code message.header} column: the
 * bytes from the start up to and including the line break that ends the first blank line (a LF right after a LF, or
 * after CR LF), or the whole message when it has none. The end rule is the one IMAP's header reader applies to the
 * blob, so a reader given these bytes sees exactly what it would read from the blob. Over {@link #MAX_BYTES} there
 * is no result (null) and readers go to the blob.
 */
final class HeaderCapture {
    /**
     * The longest header kept with the row. Ordinary headers are 1-8 KiB; a message with a longer one (a huge
     * Received chain, a spam run) is read from its blob as before, so rows stay small.
     */
    static final int MAX_BYTES = 64 * 1024;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
    private byte last;
    private byte beforeLast;
    private boolean ended;
    private boolean overflow;

    /** Feeds the next bytes of the message; does nothing once the header has ended or overflowed. */
    void update(byte[] b, int off, int len) {
        if (ended || overflow) {
            return;
        }
        for (int i = off; i < off + len; i++) {
            byte c = b[i];
            long position = bytes.size() + (i - off); // index of c in the message
            if (position >= MAX_BYTES) {
                overflow = true;
                return;
            }
            boolean blankLineEnds = c == '\n' && position >= 1
                    && (last == '\n' || (position >= 2 && last == '\r' && beforeLast == '\n'));
            beforeLast = last;
            last = c;
            if (blankLineEnds) {
                bytes.write(b, off, i - off + 1);
                ended = true;
                return;
            }
        }
        bytes.write(b, off, len);
    }

    /** The header, or null when it is longer than {@link #MAX_BYTES}; call after the whole message was fed. */
    byte[] header() {
        return overflow ? null : bytes.toByteArray();
    }

    /**
     * What {@link #update} keeps of a message given whole, or given its first {@code MAX_BYTES + 1} bytes (enough to
     * tell a header over the cap).
     */
    static byte[] of(byte[] start) {
        HeaderCapture h = new HeaderCapture();
        h.update(start, 0, start.length);
        return h.header();
    }
}
