package org.mailslot.core.mime;

import java.util.Arrays;
import java.util.Locale;

/**
 * Content-Transfer-Encoding decoders for BINARY (RFC 3516) and encoded words. Lenient, never throwing: base64 skips
 * characters outside its alphabet and decodes what a truncated tail still holds; quoted-printable keeps a malformed
 * {@code =} sequence as written and drops transport padding (trailing blanks) at line ends, as RFC 2045 6.7 asks.
 */
public final class TransferDecoding {
    private static final byte[] BASE64 = new byte[256];

    static {
        Arrays.fill(BASE64, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            BASE64[alphabet.charAt(i)] = (byte) i;
        }
    }

    /** The encodings BINARY can undo; any other is reported as UNKNOWN-CTE. */
    public enum Encoding {
        IDENTITY, BASE64, QUOTED_PRINTABLE;

        /** null when unknown. A missing header means 7bit. */
        public static Encoding of(String cte) {
            if (cte == null) {
                return IDENTITY;
            }
            return switch (cte.strip().toLowerCase(Locale.ROOT)) {
                case "", "7bit", "8bit", "binary" -> IDENTITY;
                case "base64" -> BASE64;
                case "quoted-printable" -> QUOTED_PRINTABLE;
                default -> null;
            };
        }
    }

    private TransferDecoding() {}

    public static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }

    public static byte[] base64(byte[] b, int from, int to) {
        byte[] out = new byte[(to - from) / 4 * 3 + 3];
        int n = 0;
        int acc = 0;
        int bits = 0;
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xff;
            if (c == '=') {
                break; // padding: the data ends here
            }
            int v = BASE64[c];
            if (v < 0) {
                continue; // line breaks and junk
            }
            acc = (acc << 6) | v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out[n++] = (byte) (acc >> bits);
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    public static byte[] quotedPrintable(byte[] b, int from, int to) {
        byte[] out = new byte[to - from];
        int n = 0;
        int pos = from;
        while (pos < to) {
            int lineEnd = lineEnd(b, pos, to);
            int content = contentEnd(b, pos, lineEnd);
            boolean hasBreak = content < lineEnd;
            int trimmed = content;
            while (trimmed > pos && (b[trimmed - 1] == ' ' || b[trimmed - 1] == '\t')) {
                trimmed--;
            }
            boolean soft = trimmed > pos && b[trimmed - 1] == '=';
            int last = soft ? trimmed - 1 : trimmed;
            for (int i = pos; i < last; i++) {
                byte c = b[i];
                if (c == '=' && i + 2 < last && hex(b[i + 1]) >= 0 && hex(b[i + 2]) >= 0) {
                    out[n++] = (byte) (hex(b[i + 1]) << 4 | hex(b[i + 2]));
                    i += 2;
                } else {
                    out[n++] = c;
                }
            }
            if (!soft && hasBreak) {
                for (int i = content; i < lineEnd; i++) {
                    out[n++] = b[i]; // the line break as written
                }
            }
            pos = lineEnd;
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }
    /** Index after the line's LF, or {@code end}. */
    public static int lineEnd(byte[] b, int pos, int end) {
        for (int i = pos; i < end; i++) {
            if (b[i] == '\n') {
                return i + 1;
            }
        }
        return end;
    }

    /** The line without its CRLF or LF. */
    public static int contentEnd(byte[] b, int pos, int lineEnd) {
        int e = lineEnd;
        if (e > pos && b[e - 1] == '\n') {
            e--;
            if (e > pos && b[e - 1] == '\r') {
                e--;
            }
        }
        return e;
    }
}
