package org.mailslot.protocols.imap.parse;

/** {@code <offset.length>} of a partial fetch. */
public record Partial(long offset, long length) {
    public Partial {
        if (offset < 0 || length < 0) throw new IllegalArgumentException("partial offset and length must be >= 0");
    }
}
