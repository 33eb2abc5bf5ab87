package org.mailslot.protocols.imap.parse;

/** Character classes of the RFC 9051 grammar, as lookup tables over bytes. */
final class Chars {
    private Chars() {
    }

    private static final boolean[] ATOM = new boolean[256];
    private static final boolean[] ASTRING = new boolean[256];
    private static final boolean[] LIST = new boolean[256];
    private static final boolean[] TAG = new boolean[256];

    static {
        for (int c = 0x21; c < 0x7f; c++) {
            boolean special = c == '(' || c == ')' || c == '{' || c == '%' || c == '*' || c == '"' || c == '\\' || c == ']';
            ATOM[c] = !special;
        }
        for (int c = 0; c < 256; c++) {
            ASTRING[c] = ATOM[c] || c == ']';
            LIST[c] = ASTRING[c] || c == '%' || c == '*';
            TAG[c] = ASTRING[c] && c != '+';
        }
    }

    /** ATOM-CHAR. */
    static boolean isAtomChar(int b) {
        return ATOM[b & 0xff];
    }

    /** ASTRING-CHAR = ATOM-CHAR / resp-specials. */
    static boolean isAstringChar(int b) {
        return ASTRING[b & 0xff];
    }

    /** list-char = ATOM-CHAR / list-wildcards / resp-specials. */
    static boolean isListChar(int b) {
        return LIST[b & 0xff];
    }

    static boolean isTagChar(int b) {
        return TAG[b & 0xff];
    }
}
