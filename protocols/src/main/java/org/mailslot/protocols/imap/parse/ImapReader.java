package org.mailslot.protocols.imap.parse;

import org.mailslot.core.net.Line;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Assembles one IMAP command, literals included, from a {@link CommandSource}. It does not parse arguments; it
 * finds the tag (for error replies), the literal announcements at line ends ({n}, {n+}, ~{n}, ~{n+}) and enforces
 * the {@link ReaderLimits} as the bytes arrive. A synchronizing literal is asked for through
 * {@link CommandSource#continuation} only after it passed the limits; one that does not gets "NO [TOOBIG]" and is
 * never sent. A non-synchronizing literal over the ceiling arrives regardless, so it is fatal (BYE), as in Dovecot.
 * Stateless between commands; one instance may serve many sessions.
 */
public final class ImapReader {
    private final ReaderLimits limits;

    public ImapReader(ReaderLimits limits) {
        this.limits = limits;
    }

    public ReaderLimits limits() {
        return limits;
    }

    /** Reads the next command. IOExceptions other than end of stream (timeouts, resets) propagate. */
    public ReadResult read(CommandSource source) throws IOException {
        List<byte[]> segments = new ArrayList<>(2);
        List<RawCommand.Literal> literals = new ArrayList<>(0);
        String tag = null;
        long total = 0;
        try {
            while (true) {
                long budget = limits.maxCommandSize() - total;
                int limit = (int) Math.min(limits.maxLineLength(), Math.max(0, budget - 2));
                Line line = source.readLine(limit);
                if (line == null || line.ending() == Line.Ending.EOF) {
                    return new ReadResult.EndOfStream();
                }
                byte[] bytes = line.bytes();
                if (segments.isEmpty()) {
                    if (bytes.length == 0 && line.complete()) {
                        continue; // stray empty line (some clients send one after a literal): ignore, as Dovecot does
                    }
                    tag = tagOf(bytes);
                }
                if (line.ending() == Line.Ending.NONE) {
                    String why = limit < limits.maxLineLength() ? "Command too long" : "Command line too long";
                    return skipRest(source, new ParseError.Bad(tag, why + " (at most "
                            + (limit < limits.maxLineLength() ? limits.maxCommandSize() : limits.maxLineLength()) + " octets)"));
                }
                total += bytes.length + 2;
                long marker = literalMarker(bytes, true);
                if (marker == NO_LITERAL) {
                    segments.add(bytes);
                    return new ReadResult.Complete(new RawCommand(tag, segments, literals, total));
                }
                if (marker == BAD_LITERAL) {
                    return new ParseError.Fatal(tag, "Literal size out of range");
                }
                long size = markerSize(marker);
                boolean nonSync = markerNonSync(marker);
                boolean binary = markerBinary(marker);
                segments.add(java.util.Arrays.copyOf(bytes, markerStart(marker)));
                if (size > limits.maxLiteralSize() || size > limits.maxCommandSize() - total) {
                    String text = size > limits.maxLiteralSize()
                            ? "Literal too big (at most " + limits.maxLiteralSize() + " octets)"
                            : "Command too big (at most " + limits.maxCommandSize() + " octets)";
                    if (nonSync) return new ParseError.Fatal(tag, text);
                    return new ParseError.Rejected(tag, "TOOBIG", text);
                }
                if (nonSync && limits.literalMinus() && size > ReaderLimits.LITERAL_MINUS_MAX) {
                    source.readExact(size, OutputStream.nullOutputStream());
                    return skipRest(source, new ParseError.Bad(tag, "TOOBIG",
                            "Non-synchronizing literals are limited to " + ReaderLimits.LITERAL_MINUS_MAX + " octets (LITERAL-)"));
                }
                if (!nonSync) source.continuation(size);
                byte[] data = new byte[(int) size];
                source.readExact(size, new ArraySink(data));
                literals.add(new RawCommand.Literal(data, binary));
                total += size;
            }
        } catch (EOFException e) {
            return new ReadResult.EndOfStream();
        }
    }

    /**
     * Discards the rest of a command after an error, including the literals it announces as non-synchronizing
     * (those arrive anyway); stops at a synchronizing one, which the client sends only after a "+" it won't get.
     */
    private ReadResult skipRest(CommandSource source, ParseError error) throws IOException {
        while (true) {
            Line line = source.readLine(limits.maxLineLength());
            if (line == null || line.ending() == Line.Ending.EOF) return new ReadResult.EndOfStream();
            if (line.ending() == Line.Ending.NONE) continue;
            long marker = literalMarker(line.bytes(), false);
            if (marker == NO_LITERAL || !markerNonSync(marker)) return error;
            if (marker == BAD_LITERAL || markerSize(marker) > limits.maxLiteralSize()) {
                return new ParseError.Fatal(error.tag(), "Literal too big");
            }
            source.readExact(markerSize(marker), OutputStream.nullOutputStream());
        }
    }

    // A literal marker packed in a long: size (bits 0..39, at most 2^40-1), start index (40..61), flags.
    private static final long NO_LITERAL = -1;
    private static final long BAD_LITERAL = -2;
    private static final long MAX_SIZE = (1L << 40) - 1;
    private static final long NON_SYNC = 1L << 62;
    private static final long BINARY_FLAG = 1L << 61;

    private static long markerSize(long m) {
        return m & MAX_SIZE;
    }

    private static int markerStart(long m) {
        return (int) ((m >>> 40) & 0x1FFFFF);
    }

    private static boolean markerNonSync(long m) {
        return (m & NON_SYNC) != 0;
    }

    private static boolean markerBinary(long m) {
        return (m & BINARY_FLAG) != 0;
    }

    /**
     * Whether the line ends with a literal announcement, outside a quoted string when {@code wholeLine} (a skipped
     * tail has no known quoting state). Returns NO_LITERAL, BAD_LITERAL (digits overflow) or a packed marker.
     */
    static long literalMarker(byte[] b, boolean wholeLine) {
        int n = b.length;
        if (n < 3 || b[n - 1] != '}') return NO_LITERAL;
        int i = n - 2;
        boolean nonSync = false;
        if (b[i] == '+' || b[i] == '-') { // '-' is not in the grammar; only '+' is accepted below
            if (b[i] == '-') return NO_LITERAL;
            nonSync = true;
            i--;
        }
        int digitsEnd = i + 1;
        while (i >= 0 && b[i] >= '0' && b[i] <= '9') i--;
        if (i < 0 || b[i] != '{' || i + 1 == digitsEnd) return NO_LITERAL;
        int brace = i;
        boolean binary = brace > 0 && b[brace - 1] == '~';
        int start = binary ? brace - 1 : brace;
        if (wholeLine && inQuote(b, start)) return NO_LITERAL;
        if (digitsEnd - (brace + 1) > 12) return BAD_LITERAL;
        long size = 0;
        for (int k = brace + 1; k < digitsEnd; k++) size = size * 10 + (b[k] - '0');
        if (size > MAX_SIZE || start > 0x1FFFFF) return BAD_LITERAL;
        return size | ((long) start << 40) | (nonSync ? NON_SYNC : 0) | (binary ? BINARY_FLAG : 0);
    }

    private static boolean inQuote(byte[] b, int end) {
        boolean quoted = false;
        for (int i = 0; i < end; i++) {
            byte c = b[i];
            if (quoted) {
                if (c == '\\') i++;
                else if (c == '"') quoted = false;
            } else if (c == '"') {
                quoted = true;
            }
        }
        return quoted;
    }

    /** The tag (RFC 9051: 1*<ASTRING-CHAR except "+">) if the line starts with a valid one followed by SP or its end. */
    static String tagOf(byte[] b) {
        int i = 0;
        while (i < b.length && b[i] != ' ') {
            if (!Chars.isTagChar(b[i])) return null;
            i++;
        }
        if (i == 0) return null;
        return new String(b, 0, i, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Writes into a preallocated array; the reader allocates exactly the announced size once. */
    private static final class ArraySink extends OutputStream {
        private final byte[] target;
        private int pos;

        ArraySink(byte[] target) {
            this.target = target;
        }

        @Override
        public void write(int b) {
            target[pos++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            System.arraycopy(b, off, target, pos, len);
            pos += len;
        }
    }
}
