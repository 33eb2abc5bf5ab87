package org.mailslot.core.mime;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Header text as people read it: raw 8-bit bytes as UTF-8 (else Latin-1, for legacy mail), folding removed, and
 * RFC 2047 encoded words decoded in their charset. Lenient: an encoded word that cannot be decoded (unknown charset,
 * bad syntax) stays as written; adjacent encoded words in one charset are joined before decoding so a character
 * split across two words survives. Stateless.
 */
public final class HeaderDecoder {
    private HeaderDecoder() {}

    /** Unfolds and decodes a raw header value: what SEARCH, SORT and THREAD compare. */
    public static String decode(String value) {
        if (value == null) {
            return "";
        }
        return decodeWords(unfold(value));
    }

    /** Bytes as UTF-8 when they are valid UTF-8, else as Latin-1. */
    public static String text(byte[] b, int from, int to) {
        boolean ascii = true;
        for (int i = from; i < to; i++) {
            if (b[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, from, to - from)).toString();
        } catch (CharacterCodingException e) {
            return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
        }
    }

    /** Removes line breaks (folding keeps the white space after them) and trims. */
    public static String unfold(String s) {
        if (s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s.strip();
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\r' && c != '\n') {
                sb.append(c);
            }
        }
        return sb.toString().strip();
    }

    /** Decodes RFC 2047 encoded words anywhere in {@code s}; white space between two encoded words is dropped. */
    public static String decodeWords(String s) {
        int at = s.indexOf("=?");
        if (at < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        Charset pendingCharset = null;
        int pos = 0;
        while (at >= 0) {
            Word w = Word.parse(s, at);
            if (w == null) {
                at = s.indexOf("=?", at + 2);
                continue;
            }
            String between = s.substring(pos, at);
            boolean adjacent = pendingCharset != null && between.isBlank();
            if (!adjacent || !w.charset.equals(pendingCharset)) {
                flush(out, pending, pendingCharset);
                pendingCharset = null;
                if (!adjacent) {
                    out.append(between);
                }
            }
            pending.writeBytes(w.bytes);
            pendingCharset = w.charset;
            pos = w.end;
            at = s.indexOf("=?", pos);
        }
        flush(out, pending, pendingCharset);
        out.append(s, pos, s.length());
        return out.toString();
    }

    private static void flush(StringBuilder out, ByteArrayOutputStream pending, Charset cs) {
        if (cs != null && pending.size() > 0) {
            out.append(new String(pending.toByteArray(), cs));
        }
        pending.reset();
    }

    /** One well-formed encoded word {@code =?charset?B|Q?text?=} at a position, decoded to bytes. */
    private record Word(Charset charset, byte[] bytes, int end) {
        static Word parse(String s, int at) {
            int q1 = s.indexOf('?', at + 2);
            if (q1 < 0 || q1 + 2 >= s.length() || s.charAt(q1 + 2) != '?') {
                return null;
            }
            int close = s.indexOf("?=", q1 + 3);
            if (close < 0) {
                return null;
            }
            String charsetName = s.substring(at + 2, q1);
            int star = charsetName.indexOf('*'); // RFC 2231 language suffix
            if (star >= 0) {
                charsetName = charsetName.substring(0, star);
            }
            String text = s.substring(q1 + 3, close);
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) == ' ' || text.charAt(i) == '\t') {
                    return null;
                }
            }
            Charset cs = HeaderDecoder.charset(charsetName);
            if (cs == null) {
                return null;
            }
            char enc = s.charAt(q1 + 1);
            byte[] latin = text.getBytes(StandardCharsets.ISO_8859_1);
            byte[] bytes;
            if (enc == 'b' || enc == 'B') {
                bytes = TransferDecoding.base64(latin, 0, latin.length);
            } else if (enc == 'q' || enc == 'Q') {
                bytes = qWord(latin);
            } else {
                return null;
            }
            return new Word(cs, bytes, close + 2);
        }

        private static byte[] qWord(byte[] t) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(t.length);
            for (int i = 0; i < t.length; i++) {
                byte c = t[i];
                if (c == '_') {
                    out.write(' ');
                } else if (c == '=' && i + 2 < t.length
                        && TransferDecoding.hex(t[i + 1]) >= 0 && TransferDecoding.hex(t[i + 2]) >= 0) {
                    out.write(TransferDecoding.hex(t[i + 1]) << 4 | TransferDecoding.hex(t[i + 2]));
                    i += 2;
                } else {
                    out.write(c);
                }
            }
            return out.toByteArray();
        }
    }

    public static Charset charset(String name) {
        if (name == null || name.isEmpty()) {
            return null;
        }
        try {
            return Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
