package org.mailslot.protocols.imap.response;

import org.mailslot.protocols.imap.parse.MailboxNameCodec;
import org.mailslot.protocols.imap.parse.ParseError;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Writes IMAP responses to a stream: whole status lines, continuations, and untagged data built value by value.
 * Value methods put the separating space themselves (none after "(" or at the start of a line), so
 * {@code start().number(5).atom("FETCH").open().atom("UID").number(7).close().end()} is "* 5 FETCH (UID 7)".
 * Every string value is written in a valid form for any input: an atom only when given one, a quoted string when
 * it can be, otherwise a literal; NUL, which no IMAP string can hold, becomes U+FFFD. One writer per session,
 * not thread-safe; it buffers, so call {@link #flush()} (or {@link #drain()} before the connection's own flush).
 */
public final class ResponseWriter {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};

    private final OutputStream out;
    private final byte[] buf = new byte[8192];
    private int len;
    private boolean sep;
    private boolean utf8;

    public ResponseWriter(OutputStream out) {
        this.out = out;
    }

    /** UTF-8 mode (IMAP4rev2 or UTF8=ACCEPT enabled): 8-bit text may be quoted and mailbox names are not encoded. */
    public void utf8(boolean on) {
        this.utf8 = on;
    }

    public boolean utf8() {
        return utf8;
    }

    // ---- whole responses ----

    /** "tag STATUS [code] text". code without brackets or null. */
    public void tagged(String tag, ResponseStatus status, String code, String text) throws IOException {
        ascii(tag);
        status(status, code, text);
    }

    public void ok(String tag, String code, String text) throws IOException {
        tagged(tag, ResponseStatus.OK, code, text);
    }

    public void no(String tag, String code, String text) throws IOException {
        tagged(tag, ResponseStatus.NO, code, text);
    }

    public void bad(String tag, String code, String text) throws IOException {
        tagged(tag, ResponseStatus.BAD, code, text);
    }

    /** "* STATUS [code] text" (OK, NO, BAD, BYE, PREAUTH). */
    public void untagged(ResponseStatus status, String code, String text) throws IOException {
        put('*');
        status(status, code, text);
    }

    /** "+ text". */
    public void continuation(String text) throws IOException {
        put('+');
        put(' ');
        text(text);
        put(CRLF);
    }

    /** The one place a {@link ParseError} becomes a response: BAD (untagged without a tag), NO, or BYE. */
    public void error(ParseError error) throws IOException {
        switch (error) {
            case ParseError.Bad b -> {
                if (b.tag() == null) untagged(ResponseStatus.BAD, b.code(), b.text());
                else bad(b.tag(), b.code(), b.text());
            }
            case ParseError.Rejected r -> {
                if (r.tag() == null) untagged(ResponseStatus.NO, r.code(), r.text());
                else no(r.tag(), r.code(), r.text());
            }
            case ParseError.Fatal f -> untagged(ResponseStatus.BYE, null, f.text());
        }
    }

    /**
     * "* ESEARCH (TAG "t") [UID] [MIN n] [MAX n] [ALL set] [COUNT n] [MODSEQ n]" (RFC 4731; ESORT of RFC 5267
     * passes {@code all} in sort order, and only ascending runs are joined). Negative numbers and a
     * null or empty {@code all} are left out; tag null leaves out the correlator.
     */
    public void esearch(String tag, boolean uid, long min, long max, long count, long[] all, long modSeq) throws IOException {
        start().atom("ESEARCH");
        if (tag != null) open().atom("TAG").string(tag).close();
        if (uid) atom("UID");
        if (min >= 0) atom("MIN").number(min);
        if (max >= 0) atom("MAX").number(max);
        if (all != null && all.length > 0) atom("ALL").raw(SequenceSets.compact(all));
        if (count >= 0) atom("COUNT").number(count);
        if (modSeq >= 0) atom("MODSEQ").number(modSeq);
        end();
    }

    /**
     * "* n FETCH ([UID u] [FLAGS (...)] [MODSEQ (m)])", the flag update of STORE, of QRESYNC resync and of the
     * unsolicited changes: a negative uid or modSeq and null flags are left out.
     */
    public void fetchFlags(long sequence, long uid, Collection<String> flags, long modSeq) throws IOException {
        beginFetch(sequence);
        if (uid >= 0) item("UID").number(uid);
        if (flags != null) item("FLAGS").flags(flags);
        if (modSeq >= 0) item("MODSEQ").open().number(modSeq).close();
        endFetch();
    }

    /** "* n name" (EXISTS, EXPUNGE, RECENT). */
    public void count(long n, String name) throws IOException {
        start().number(n).atom(name).end();
    }

    /** "* VANISHED [(EARLIER)] uids" (RFC 7162 3.2.10); nothing for no uids. */
    public void vanished(boolean earlier, long[] uids) throws IOException {
        if (uids.length == 0) return;
        start().atom("VANISHED");
        if (earlier) open().atom("EARLIER").close();
        sequenceSet(uids).end();
    }

    /** "* n FETCH (" — then items (e.g. {@code item("UID").number(7)}), then {@link #endFetch()}. */
    public ResponseWriter beginFetch(long sequence) throws IOException {
        return start().number(sequence).atom("FETCH").open();
    }

    public void endFetch() throws IOException {
        close().end();
    }

    /** A FETCH item name such as "BODY[1.HEADER]<0>" or "UID", written as is. */
    public ResponseWriter item(String name) throws IOException {
        return raw(name);
    }

    // ---- building untagged lines ----

    /** "* " at the start of an untagged line. */
    public ResponseWriter start() throws IOException {
        put('*');
        sep = true;
        return this;
    }

    /** Ends the line. */
    public void end() throws IOException {
        put(CRLF);
        sep = false;
    }

    public ResponseWriter open() throws IOException {
        space();
        put('(');
        sep = false;
        return this;
    }

    public ResponseWriter close() throws IOException {
        put(')');
        sep = true;
        return this;
    }

    /** An atom the server chose (a keyword); anything not an atom is a bug in the caller. */
    public ResponseWriter atom(String atom) throws IOException {
        if (!isAtom(atom)) throw new IllegalArgumentException("not an atom: " + atom);
        space();
        ascii(atom);
        return this;
    }

    /** Pre-formatted protocol text (a sequence set, a flag, an item name); the caller vouches for it. */
    public ResponseWriter raw(String text) throws IOException {
        space();
        ascii(text);
        return this;
    }

    /**
     * Response data the store built when it indexed the message (ENVELOPE, BODY, BODYSTRUCTURE), written as UTF-8
     * as it is: its strings were encoded there, byte counts of literals included.
     */
    public ResponseWriter prebuilt(String data) throws IOException {
        space();
        put(data.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public ResponseWriter number(long n) throws IOException {
        space();
        if (n >= 0 && n < 10) {
            put((char) ('0' + n));
        } else {
            ascii(Long.toString(n));
        }
        return this;
    }

    public ResponseWriter nil() throws IOException {
        space();
        ascii("NIL");
        return this;
    }

    /** string: quoted when possible, else a literal. */
    public ResponseWriter string(String s) throws IOException {
        space();
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (quotable(b)) quoted(b);
        else literalBody(b, false);
        return this;
    }

    /** nstring: NIL for null. */
    public ResponseWriter nstring(String s) throws IOException {
        return s == null ? nil() : string(s);
    }

    /** astring: a bare atom when it is one (ASTRING-CHARs), else a string. */
    public ResponseWriter astring(String s) throws IOException {
        if (!s.isEmpty() && isAstring(s)) {
            space();
            ascii(s);
            return this;
        }
        return string(s);
    }

    /**
     * A mailbox name, modified UTF-7 unless in UTF-8 mode: INBOX as an atom, any other name quoted (or a literal if
     * it cannot be), which is what clients cope with best.
     */
    public ResponseWriter mailbox(String name) throws IOException {
        if (name.equals("INBOX")) return atom(name);
        String wire = utf8 ? name : MailboxNameCodec.encode(name);
        return string(wire);
    }

    /** A literal "{n}CRLF" + bytes (NUL bytes become U+FFFD, which changes the count accordingly). */
    public ResponseWriter literal(byte[] data) throws IOException {
        space();
        literalBody(data, false);
        return this;
    }

    /** A literal8 "~{n}CRLF" + bytes, any bytes (BINARY responses, RFC 3516). */
    public ResponseWriter literal8(byte[] data) throws IOException {
        space();
        literalBody(data, true);
        return this;
    }

    /**
     * A literal of {@code size} bytes copied from a stream (message bodies). The caller guarantees no NUL (a
     * normal literal) or asks for literal8; the stream must hold at least size bytes.
     */
    public ResponseWriter literal(InputStream in, long size, boolean binary) throws IOException {
        space();
        ascii((binary ? "~{" : "{") + size + "}");
        put(CRLF);
        drain();
        long left = size;
        byte[] chunk = new byte[(int) Math.min(64 * 1024, Math.max(1, size))];
        while (left > 0) {
            int n = in.read(chunk, 0, (int) Math.min(chunk.length, left));
            if (n < 0) throw new java.io.EOFException("literal source ended " + left + " bytes early");
            out.write(chunk, 0, n);
            left -= n;
        }
        sep = true;
        return this;
    }

    /**
     * A literal of message bytes as stored, unaltered ({@code {n}}, or {@code ~{n}} when {@code binary}): FETCH
     * sends a body as it was received, NUL bytes included, so its octet count matches RFC822.SIZE.
     */
    public ResponseWriter literal(byte[] data, int off, int count, boolean binary) throws IOException {
        space();
        ascii((binary ? "~{" : "{") + count + "}");
        put(CRLF);
        if (count > buf.length - len) {
            drain();
            out.write(data, off, count);
        } else {
            System.arraycopy(data, off, buf, len, count);
            len += count;
        }
        return this;
    }

    /** "(" flags ")"; entries that are not valid flags are left out rather than break the line. */
    public ResponseWriter flags(Collection<String> flags) throws IOException {
        open();
        for (String f : flags) {
            if (isFlag(f)) {
                space();
                ascii(f);
            }
        }
        return close();
    }

    /** A compact sequence set of the given numbers, e.g. "1:3,5". */
    public ResponseWriter sequenceSet(long[] numbers) throws IOException {
        if (numbers.length == 0) throw new IllegalArgumentException("an empty sequence set cannot be written");
        return raw(SequenceSets.compact(numbers));
    }

    // ---- output ----

    /** Moves buffered bytes to the underlying stream without flushing it. */
    public void drain() throws IOException {
        if (len > 0) {
            out.write(buf, 0, len);
            len = 0;
        }
    }

    public void flush() throws IOException {
        drain();
        out.flush();
    }

    // ---- internals ----

    private void status(ResponseStatus status, String code, String text) throws IOException {
        put(' ');
        ascii(status.name());
        if (code != null && !code.isEmpty()) {
            ascii(" [");
            text(code.replace(']', ' '));
            put(']');
        }
        put(' ');
        text(text == null || text.isBlank() ? status.name().toLowerCase(java.util.Locale.ROOT) : text);
        put(CRLF);
        sep = false;
    }

    /** resp-text: one line of text; CR, LF and NUL become spaces, 8-bit only in UTF-8 mode ('?' otherwise). */
    private void text(String t) throws IOException {
        for (int i = 0; i < t.length(); i++) {
            char ch = t.charAt(i);
            if (ch == '\r' || ch == '\n' || ch == 0) {
                put(' ');
            } else if (ch < 0x80) {
                put(ch);
            } else if (utf8) {
                int cp = t.codePointAt(i);
                if (Character.charCount(cp) == 2) i++;
                put(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
            } else {
                put('?');
            }
        }
    }

    private void space() throws IOException {
        if (sep) put(' ');
        sep = true;
    }

    private boolean quotable(byte[] b) {
        if (b.length > 1024) return false; // long values read better as literals and cost no escaping
        for (byte x : b) {
            if (x == '\r' || x == '\n' || x == 0) return false;
            if (x < 0 && !utf8) return false;
        }
        return true;
    }

    private void quoted(byte[] b) throws IOException {
        put('"');
        for (byte x : b) {
            if (x == '"' || x == '\\') put('\\');
            put(x);
        }
        put('"');
    }

    private void literalBody(byte[] b, boolean binary) throws IOException {
        byte[] data = b;
        if (!binary) {
            int nuls = 0;
            for (byte x : b) if (x == 0) nuls++;
            if (nuls > 0) {
                data = new byte[b.length + nuls * 2];
                int j = 0;
                for (byte x : b) {
                    if (x == 0) {
                        System.arraycopy(REPLACEMENT, 0, data, j, 3);
                        j += 3;
                    } else {
                        data[j++] = x;
                    }
                }
            }
        }
        if (binary) put('~');
        put('{');
        ascii(Integer.toString(data.length));
        put('}');
        put(CRLF);
        put(data);
    }

    static boolean isAtom(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '(' || c == ')' || c == '{' || c == '%' || c == '*' || c == '"' || c == '\\' || c == ']') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAstring(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '(' || c == ')' || c == '{' || c == '%' || c == '*' || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** flag = "\" atom / keyword (atom); "\*" for PERMANENTFLAGS. */
    static boolean isFlag(String f) {
        if (f.equals("\\*")) return true;
        return f.startsWith("\\") ? isAtom(f.substring(1)) : isAtom(f);
    }

    private void ascii(String s) throws IOException {
        int n = s.length();
        if (n > buf.length - len) {
            for (int i = 0; i < n; i++) put(s.charAt(i));
            return;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            buf[len++] = (byte) (c < 0x80 ? c : '?');
        }
    }

    private void put(char c) throws IOException {
        if (len == buf.length) drain();
        buf[len++] = (byte) c;
    }

    private void put(byte c) throws IOException {
        if (len == buf.length) drain();
        buf[len++] = c;
    }

    private void put(byte[] b) throws IOException {
        if (b.length > buf.length - len) {
            drain();
            if (b.length > buf.length) {
                out.write(b);
                return;
            }
        }
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }
}
