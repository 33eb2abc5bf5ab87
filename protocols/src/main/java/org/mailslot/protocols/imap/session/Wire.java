package org.mailslot.protocols.imap.session;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Small IMAP encoders the session's responses need (strings, flag lists, number sets) until they move into the
 * response package's writer.
 */
public final class Wire {
    private Wire() {}

    /** An astring: an atom when it can be one, else a quoted string, else a literal. */
    public static String astring(String s) {
        if (isAtom(s)) {
            return s;
        }
        return string(s);
    }

    /** A quoted string, or a literal when it holds CR, LF or NUL (which a quoted string cannot carry). */
    public static String string(String s) {
        if (s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\0') >= 0) {
            return "{" + s.getBytes(StandardCharsets.UTF_8).length + "}\r\n" + s;
        }
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }

    public static String nstring(String s) {
        return s == null ? "NIL" : string(s);
    }

    /** A mailbox name: always quoted (clients cope best with that), INBOX as an atom. */
    public static String mailbox(String wireName) {
        return "INBOX".equals(wireName) ? "INBOX" : string(wireName);
    }

    public static String flagList(Collection<String> flags) {
        return "(" + String.join(" ", flags) + ")";
    }

    /** Ascending numbers as a compact set: "1:3,7,9:10". Empty input gives "". */
    public static String numberSet(long[] ascending) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < ascending.length) {
            int j = i;
            while (j + 1 < ascending.length && ascending[j + 1] == ascending[j] + 1) {
                j++;
            }
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(ascending[i]);
            if (j > i) {
                sb.append(':').append(ascending[j]);
            }
            i = j + 1;
        }
        return sb.toString();
    }

    public static String numberSet(Collection<Long> ascending) {
        return numberSet(ascending.stream().mapToLong(Long::longValue).toArray());
    }

    private static boolean isAtom(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "(){%*\"\\]".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }
}
