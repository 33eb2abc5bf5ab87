package org.mailslot.protocols.imap.parse;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A position in a {@link RawCommand}: the bytes of the current line segment, and the literal that follows each
 * segment but the last. The lexical rules of RFC 9051 section 9, read from bytes; errors throw {@link Syntax}.
 */
final class Cursor {
    private static final long MAX_NZ32 = 4294967295L;

    private final List<byte[]> segments;
    private final List<RawCommand.Literal> literals;
    private int seg;
    private byte[] cur;
    private int pos;

    Cursor(RawCommand command) {
        this.segments = command.segments();
        this.literals = command.literals();
        this.cur = segments.getFirst();
    }

    /** The next byte, or -1 at the end of the segment (end of command or a literal follows). */
    int peek() {
        return pos < cur.length ? cur[pos] & 0xff : -1;
    }

    int peek(int ahead) {
        return pos + ahead < cur.length ? cur[pos + ahead] & 0xff : -1;
    }

    boolean atLiteral() {
        return pos == cur.length && seg < literals.size();
    }

    boolean atEnd() {
        return pos == cur.length && seg == segments.size() - 1;
    }

    void end() {
        if (!atEnd()) throw new Syntax(atLiteral() ? "Unexpected literal" : "Unexpected characters after the arguments: '" + rest() + "'");
    }

    private String rest() {
        int n = Math.min(cur.length - pos, 30);
        return printable(cur, pos, n);
    }

    static String printable(byte[] b, int off, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = off; i < off + n; i++) {
            int c = b[i] & 0xff;
            sb.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
        return sb.toString();
    }

    void sp() {
        if (peek() != ' ') throw new Syntax(atEnd() ? "Missing arguments" : "Expected a space");
        pos++;
    }

    boolean trySp() {
        if (peek() == ' ') {
            pos++;
            return true;
        }
        return false;
    }

    void expect(char c) {
        if (peek() != c) throw new Syntax("Expected '" + c + "'");
        pos++;
    }

    boolean tryChar(char c) {
        if (peek() == c) {
            pos++;
            return true;
        }
        return false;
    }

    /** 1*ATOM-CHAR, upper-cased ASCII (verbs, keywords, options). */
    String atomUpper() {
        int start = pos;
        while (pos < cur.length && Chars.isAtomChar(cur[pos])) pos++;
        if (pos == start) throw new Syntax(atEnd() || atLiteral() ? "Missing argument" : "Expected an atom");
        char[] c = new char[pos - start];
        for (int i = 0; i < c.length; i++) {
            int b = cur[start + i];
            c[i] = (char) (b >= 'a' && b <= 'z' ? b - 32 : b);
        }
        return new String(c);
    }

    /** 1*ATOM-CHAR as written. */
    String atom() {
        int start = pos;
        while (pos < cur.length && Chars.isAtomChar(cur[pos])) pos++;
        if (pos == start) throw new Syntax("Expected an atom");
        return new String(cur, start, pos - start, StandardCharsets.US_ASCII);
    }

    /** Letters, digits and '.', upper-cased: FETCH attribute names such as BODY.PEEK before '['. */
    String nameUpper() {
        int start = pos;
        while (pos < cur.length) {
            int b = cur[pos];
            if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '.' || b == '-') pos++;
            else break;
        }
        if (pos == start) throw new Syntax("Expected a name");
        char[] c = new char[pos - start];
        for (int i = 0; i < c.length; i++) {
            int b = cur[start + i];
            c[i] = (char) (b >= 'a' && b <= 'z' ? b - 32 : b);
        }
        return new String(c);
    }

    /** Matches a keyword case-insensitively when it is followed by a non-atom char; consumes it then. */
    boolean tryKeyword(String upper) {
        int n = upper.length();
        if (pos + n > cur.length) return false;
        for (int i = 0; i < n; i++) {
            int b = cur[pos + i];
            if (b >= 'a' && b <= 'z') b -= 32;
            if (b != upper.charAt(i)) return false;
        }
        if (pos + n < cur.length && Chars.isAtomChar(cur[pos + n])) return false;
        pos += n;
        return true;
    }

    /** astring = 1*ASTRING-CHAR / string, as bytes. */
    byte[] astringBytes() {
        int b = peek();
        if (b == '"') return quoted();
        if (atLiteral()) return literal(false);
        int start = pos;
        while (pos < cur.length && Chars.isAstringChar(cur[pos])) pos++;
        if (pos == start) throw new Syntax(b == -1 ? "Missing argument" : "Expected a string");
        return java.util.Arrays.copyOfRange(cur, start, pos);
    }

    String astring() {
        return utf8(astringBytes());
    }

    /** string = quoted / literal. */
    byte[] stringBytes() {
        if (peek() == '"') return quoted();
        if (atLiteral()) return literal(false);
        throw new Syntax("Expected a quoted string or literal");
    }

    String string() {
        return utf8(stringBytes());
    }

    /** nstring = string / NIL; null for NIL. */
    String nstring() {
        if (peek() == '"' || atLiteral()) return string();
        if (tryKeyword("NIL")) return null;
        throw new Syntax("Expected a string or NIL");
    }

    /** list-mailbox = 1*list-char / string. */
    byte[] listMailboxBytes() {
        int b = peek();
        if (b == '"') return quoted();
        if (atLiteral()) return literal(false);
        int start = pos;
        while (pos < cur.length && Chars.isListChar(cur[pos])) pos++;
        if (pos == start) throw new Syntax("Expected a mailbox pattern");
        return java.util.Arrays.copyOfRange(cur, start, pos);
    }

    byte[] quoted() {
        expect('"');
        int start = pos;
        boolean escapes = false;
        while (true) {
            if (pos >= cur.length) throw new Syntax("Unterminated quoted string");
            int b = cur[pos] & 0xff;
            if (b == '"') break;
            if (b == '\\') {
                int next = pos + 1 < cur.length ? cur[pos + 1] : -1;
                if (next != '"' && next != '\\') throw new Syntax("Invalid escape in a quoted string");
                escapes = true;
                pos += 2;
                continue;
            }
            if (b == 0) throw new Syntax("NUL in a quoted string");
            pos++;
        }
        int end = pos;
        pos++; // closing quote
        if (!escapes) return java.util.Arrays.copyOfRange(cur, start, end);
        byte[] out = new byte[end - start];
        int n = 0;
        for (int i = start; i < end; i++) {
            if (cur[i] == '\\') i++;
            out[n++] = cur[i];
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** The literal at this point; moves to the segment after it. literal8 only where allowBinary. */
    byte[] literal(boolean allowBinary) {
        RawCommand.Literal l = takeLiteral();
        if (l.binary() && !allowBinary) throw new Syntax("A literal8 (~{n}) is not allowed here");
        byte[] d = l.data();
        if (!l.binary()) {
            for (byte x : d) {
                if (x == 0) throw new Syntax("NUL in a literal (use literal8)");
            }
        }
        return d;
    }

    RawCommand.Literal takeLiteral() {
        if (!atLiteral()) throw new Syntax("Expected a literal");
        RawCommand.Literal l = literals.get(seg);
        seg++;
        cur = segments.get(seg);
        pos = 0;
        return l;
    }

    /** number: 1*DIGIT, at most 63 bits. */
    long number() {
        int start = pos;
        long v = 0;
        while (pos < cur.length && cur[pos] >= '0' && cur[pos] <= '9') {
            if (pos - start >= 18) throw new Syntax("Number too large");
            v = v * 10 + (cur[pos] - '0');
            pos++;
        }
        if (pos == start) throw new Syntax("Expected a number");
        return v;
    }

    /** nz-number (1..2^32-1). */
    long nzNumber32() {
        long v = number();
        if (v < 1 || v > MAX_NZ32) throw new Syntax("Number out of range: " + v);
        return v;
    }

    long number32() {
        long v = number();
        if (v > MAX_NZ32) throw new Syntax("Number out of range: " + v);
        return v;
    }

    /** sequence-set, or "$" (RFC 5182). */
    SequenceSet sequenceSet() {
        if (peek() == '$') {
            pos++;
            return SequenceSet.savedResult();
        }
        List<SequenceSet.Range> ranges = new ArrayList<>(2);
        do {
            long from = seqNumber();
            long to = from;
            if (tryChar(':')) to = seqNumber();
            ranges.add(new SequenceSet.Range(from, to));
        } while (tryChar(','));
        return new SequenceSet(ranges, false);
    }

    private long seqNumber() {
        if (tryChar('*')) return SequenceSet.STAR;
        int b = peek();
        if (b < '0' || b > '9') throw new Syntax("Invalid sequence set");
        return nzNumber32();
    }

    boolean atSequenceSet() {
        int b = peek();
        return (b >= '0' && b <= '9') || b == '*' || b == '$';
    }

    static String utf8(byte[] b) {
        for (byte x : b) {
            if (x < 0) return decodeStrict(b, StandardCharsets.UTF_8);
        }
        return new String(b, StandardCharsets.ISO_8859_1); // all ASCII: the cheap path
    }

    static String decodeStrict(byte[] b, Charset cs) {
        try {
            return cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new Syntax("Invalid " + cs.name() + " in a string");
        }
    }
}
