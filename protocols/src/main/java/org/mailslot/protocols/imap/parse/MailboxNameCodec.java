package org.mailslot.protocols.imap.parse;

/**
 * Modified UTF-7 for mailbox names (RFC 3501 5.1.3), the form IMAP4rev1 clients see and send. IMAP4rev2 and
 * UTF8=ACCEPT sessions use UTF-8 names as they are; a rev1 session has every name encoded on the way out and
 * decoded on the way in. Decoding is strict (as Dovecot's): no encoded printable ASCII, no padding bits, no broken
 * surrogates, "&" only as "&-" or a shift, so one name has exactly one encoding.
 */
public final class MailboxNameCodec {
    private static final char[] B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,".toCharArray();
    private static final int[] B64_VALUE = new int[128];

    static {
        java.util.Arrays.fill(B64_VALUE, -1);
        for (int i = 0; i < B64.length; i++) B64_VALUE[B64[i]] = i;
    }

    private MailboxNameCodec() {
    }

    /** Whether a name needs no encoding (printable ASCII without "&"). */
    public static boolean isPlain(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '&') return false;
        }
        return true;
    }

    /** Modified UTF-7 of a Unicode name. */
    public static String encode(String name) {
        if (isPlain(name)) return name;
        StringBuilder sb = new StringBuilder(name.length() + 16);
        int i = 0;
        while (i < name.length()) {
            char c = name.charAt(i);
            if (c == '&') {
                sb.append("&-");
                i++;
            } else if (c >= 0x20 && c <= 0x7e) {
                sb.append(c);
                i++;
            } else {
                int j = i;
                while (j < name.length() && (name.charAt(j) < 0x20 || name.charAt(j) > 0x7e)) j++;
                sb.append('&');
                int bits = 0;
                int nbits = 0;
                for (int k = i; k < j; k++) {
                    bits = (bits << 16) | name.charAt(k);
                    nbits += 16;
                    while (nbits >= 6) {
                        nbits -= 6;
                        sb.append(B64[(bits >>> nbits) & 0x3f]);
                    }
                }
                if (nbits > 0) sb.append(B64[(bits << (6 - nbits)) & 0x3f]);
                sb.append('-');
                i = j;
            }
        }
        return sb.toString();
    }

    /**
     * The Unicode name of a modified UTF-7 one.
     *
     * @throws IllegalArgumentException when the input is not valid modified UTF-7
     */
    public static String decode(String encoded) {
        if (encoded.indexOf('&') < 0) {
            for (int i = 0; i < encoded.length(); i++) {
                char c = encoded.charAt(i);
                if (c < 0x20 || c > 0x7e) throw new IllegalArgumentException("8-bit or control character in a modified UTF-7 name");
            }
            return encoded;
        }
        StringBuilder sb = new StringBuilder(encoded.length());
        int i = 0;
        int n = encoded.length();
        boolean lastWasShift = false;
        while (i < n) {
            char c = encoded.charAt(i);
            if (c < 0x20 || c > 0x7e) throw new IllegalArgumentException("8-bit or control character in a modified UTF-7 name");
            if (c != '&') {
                sb.append(c);
                i++;
                lastWasShift = false;
                continue;
            }
            i++;
            if (i < n && encoded.charAt(i) == '-') {
                sb.append('&');
                i++;
                lastWasShift = false;
                continue;
            }
            if (lastWasShift) throw new IllegalArgumentException("adjacent encoded sequences in a modified UTF-7 name");
            int bits = 0;
            int nbits = 0;
            int units = 0;
            char high = 0;
            while (true) {
                if (i >= n) throw new IllegalArgumentException("unterminated encoded sequence in a modified UTF-7 name");
                char d = encoded.charAt(i++);
                if (d == '-') break;
                int v = d < 128 ? B64_VALUE[d] : -1;
                if (v < 0) throw new IllegalArgumentException("invalid character '" + d + "' in an encoded sequence");
                bits = (bits << 6) | v;
                nbits += 6;
                if (nbits >= 16) {
                    nbits -= 16;
                    char u = (char) ((bits >>> nbits) & 0xffff);
                    bits &= (1 << nbits) - 1;
                    units++;
                    if (high != 0) {
                        if (!Character.isLowSurrogate(u)) throw new IllegalArgumentException("broken surrogate pair");
                        sb.append(high).append(u);
                        high = 0;
                    } else if (Character.isHighSurrogate(u)) {
                        high = u;
                    } else if (Character.isLowSurrogate(u)) {
                        throw new IllegalArgumentException("broken surrogate pair");
                    } else {
                        if (u >= 0x20 && u <= 0x7e) throw new IllegalArgumentException("printable ASCII must not be encoded");
                        sb.append(u);
                    }
                }
            }
            if (units == 0 || high != 0 || nbits >= 6 || bits != 0) {
                throw new IllegalArgumentException("malformed encoded sequence in a modified UTF-7 name");
            }
            lastWasShift = true;
        }
        return sb.toString();
    }
}
