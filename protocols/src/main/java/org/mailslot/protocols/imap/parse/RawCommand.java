package org.mailslot.protocols.imap.parse;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One command as read from the wire: its line segments (without CRLF and without the literal announcements that
 * ended them) and the literal after each segment but the last. Opaque outside this package apart from the tag.
 */
public final class RawCommand {
    /** A literal's bytes; binary for literal8 ({@code ~{n}}). */
    record Literal(byte[] data, boolean binary) {}

    private final String tag;
    private final List<byte[]> segments;
    private final List<Literal> literals;
    private final long size;

    RawCommand(String tag, List<byte[]> segments, List<Literal> literals, long size) {
        if (literals.size() != segments.size() - 1) throw new IllegalArgumentException("one literal between segments");
        this.tag = tag;
        this.segments = segments;
        this.literals = literals;
        this.size = size;
    }

    /** The tag when it is valid, else null. */
    public String tag() {
        return tag;
    }

    /** Bytes the command took on the wire, literals and line endings included. */
    public long size() {
        return size;
    }

    List<byte[]> segments() {
        return segments;
    }

    List<Literal> literals() {
        return literals;
    }

    /** For logs: the first line, with literal announcements replaced by their sizes. Never includes literal bytes. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < segments.size(); i++) {
            sb.append(new String(segments.get(i), StandardCharsets.UTF_8));
            if (i < literals.size()) sb.append("{").append(literals.get(i).data().length).append(" octets}");
        }
        return sb.toString();
    }
}
