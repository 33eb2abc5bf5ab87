package org.mailslot.protocols.imap.message;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

import org.mailslot.protocols.imap.parse.Partial;

/**
 * A read-only view of {@code length} bytes of {@code array} from {@code offset}: section bytes are slices of the
 * message (no copy) unless they had to be built (HEADER.FIELDS, BINARY). Callers must not modify the array.
 */
public record Slice(byte[] array, int offset, int length) {
    public static final Slice EMPTY = new Slice(new byte[0], 0, 0);

    public Slice {
        Objects.requireNonNull(array, "array");
        Objects.checkFromIndexSize(offset, length, array.length);
    }

    public static Slice of(byte[] bytes) {
        return new Slice(bytes, 0, bytes.length);
    }

    /** A copy of the bytes. */
    public byte[] toByteArray() {
        return Arrays.copyOfRange(array, offset, offset + length);
    }

    public void writeTo(OutputStream out) throws IOException {
        out.write(array, offset, length);
    }

    /**
     * The {@code <offset.length>} part of these bytes (RFC 9051 6.4.5): an offset at or beyond the end gives the
     * empty string, a length running past the end is cut. {@code null} means no partial: this slice.
     */
    public Slice partial(Partial partial) {
        if (partial == null) {
            return this;
        }
        if (partial.offset() >= length || partial.length() <= 0 || partial.offset() < 0) {
            return EMPTY;
        }
        int from = (int) partial.offset();
        int n = (int) Math.min(partial.length(), (long) length - from);
        return new Slice(array, offset + from, n);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Slice s && Arrays.equals(array, offset, offset + length, s.array, s.offset,
                s.offset + s.length);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = offset; i < offset + length; i++) {
            h = 31 * h + array[i];
        }
        return h;
    }

    @Override
    public String toString() {
        return new String(array, offset, length, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
