package org.mailslot.protocols.imap.message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where each MIME part of one message lies, as byte offsets into the message: parsed once per message, then every
 * section is a slice. Numbering follows RFC 9051 6.4.5 and agrees with core's indexer (the cached BODYSTRUCTURE):
 * the same boundary rule as mime4j (a line starting with {@code --boundary}; the line break before it belongs to
 * it), a multipart without a boundary or without any part is a single text part, and levels deeper than the nesting
 * limit are opaque. Never throws on content.
 */
public final class PartMap {

    /** One entity: header {@code [start, bodyStart)}, body {@code [bodyStart, end)}. */
    static final class Entity {
        final int start;
        final int end;
        final HeaderBlock header;
        final ContentType type;
        final String encoding;
        final List<Entity> children;
        /** The encapsulated message of a message/rfc822 part, else null. */
        final Entity message;

        Entity(int start, int end, HeaderBlock header, ContentType type, String encoding, List<Entity> children,
               Entity message) {
            this.start = start;
            this.end = end;
            this.header = header;
            this.type = type;
            this.encoding = encoding;
            this.children = children;
            this.message = message;
        }

        int bodyStart() {
            return header.bodyStart();
        }

        boolean multipart() {
            return !children.isEmpty();
        }
    }

    private final byte[] raw;
    private final Entity root;

    private PartMap(byte[] raw, Entity root) {
        this.raw = raw;
        this.root = root;
    }

    /** Maps {@code raw} (not copied: it must not change afterwards). */
    static PartMap of(byte[] raw, int maxNesting) {
        Objects.requireNonNull(raw, "raw");
        return new PartMap(raw, new Builder(raw, maxNesting).entity(0, raw.length, 0, false));
    }

    public byte[] raw() {
        return raw;
    }

    Entity root() {
        return root;
    }

    /** The message size in octets. */
    /** Where the message's own body starts (after its header and the blank line, if any). */
    public int bodyStart() {
        return root.bodyStart();
    }

    public int size() {
        return raw.length;
    }

    /** Whether the part path names an existing part (RFC 9051 6.4.5 numbering). */
    public boolean exists(List<Integer> path) {
        return path.isEmpty() || find(path) != null;
    }

    /**
     * The entity a non-empty part path names, or null. Numbers index a multipart's children; after a message/rfc822
     * part they index its encapsulated message; part 1 of a message that is not multipart is that message's body.
     */
    Entity find(List<Integer> path) {
        Entity cur = null;
        for (int k : path) {
            Entity scope;
            boolean messageScope;
            if (cur == null) {
                scope = root;
                messageScope = true;
            } else if (cur.multipart()) {
                scope = cur;
                messageScope = false;
            } else if (cur.message != null) {
                scope = cur.message;
                messageScope = true;
            } else {
                return null;
            }
            if (scope.multipart()) {
                if (k < 1 || k > scope.children.size()) {
                    return null;
                }
                cur = scope.children.get(k - 1);
            } else if (messageScope && k == 1) {
                cur = scope;
            } else {
                return null;
            }
        }
        return cur;
    }

    private static final class Builder {
        private final byte[] raw;
        private final int maxNesting;

        Builder(byte[] raw, int maxNesting) {
            this.raw = raw;
            this.maxNesting = maxNesting;
        }

        Entity entity(int start, int end, int depth, boolean inDigest) {
            HeaderBlock header = HeaderBlock.parse(raw, start, end);
            HeaderBlock.Field ctField = header.firstField("content-type");
            ContentType type = ContentType.parse(ctField == null ? null : header.latin1(ctField), inDigest);
            String cte = header.first("content-transfer-encoding");
            String encoding = cte == null || cte.isBlank() ? "7bit" : cte.strip();
            int bodyStart = header.bodyStart();
            if (type.type().equals("multipart")) {
                List<Entity> children = List.of();
                if (type.boundary() != null && !type.boundary().isEmpty() && depth <= maxNesting) {
                    children = parts(bodyStart, end, type.boundary(), depth, type.subtype().equals("digest"));
                }
                if (children.isEmpty()) {
                    type = ContentType.TEXT_PLAIN; // read as one body, as the indexer reports it
                }
                return new Entity(start, end, header, type, encoding, children, null);
            }
            Entity message = null;
            if (type.is("message", "rfc822") && depth < maxNesting) {
                message = entity(bodyStart, end, depth + 1, false);
            }
            return new Entity(start, end, header, type, encoding, List.of(), message);
        }

        private List<Entity> parts(int from, int end, String boundaryText, int depth, boolean digest) {
            byte[] boundary = ("--" + boundaryText).getBytes(StandardCharsets.ISO_8859_1);
            List<Entity> parts = new ArrayList<>();
            int line = nextBoundary(from, end, from, boundary);
            while (line >= 0) {
                int after = line + boundary.length;
                if (after + 1 < end && raw[after] == '-' && raw[after + 1] == '-') {
                    break; // close delimiter
                }
                int partStart = HeaderBlock.lineEnd(raw, after, end);
                if (partStart >= end) {
                    break; // nothing after the last boundary line: mime4j starts no part
                }
                int next = nextBoundary(partStart, end, partStart, boundary);
                int partEnd = end;
                if (next >= 0) {
                    partEnd = next;
                    if (partEnd > partStart && raw[partEnd - 1] == '\n') {
                        partEnd--;
                        if (next - partStart > 1 && raw[partEnd - 1] == '\r') {
                            partEnd--;
                        }
                    }
                }
                parts.add(entity(partStart, partEnd, depth + 1, digest));
                line = next;
            }
            return parts;
        }

        /** The start of the next line in [pos, end) that begins with the boundary (at {@code segment} or after LF). */
        private int nextBoundary(int pos, int end, int segment, byte[] boundary) {
            int p = pos;
            while (p < end) {
                if ((p == segment || raw[p - 1] == '\n') && startsWith(p, end, boundary)) {
                    return p;
                }
                p = HeaderBlock.lineEnd(raw, p, end);
            }
            return -1;
        }

        private boolean startsWith(int p, int end, byte[] prefix) {
            if (end - p < prefix.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if (raw[p + i] != prefix[i]) {
                    return false;
                }
            }
            return true;
        }
    }
}
