package org.mailslot.protocols.imap.message;

import java.util.Locale;

/**
 * The parts of a Content-Type value that structure depends on: type, subtype (lower-case), boundary and charset.
 * Parsed the way core's indexer reads it (comments skipped, quotes removed), so part numbers agree with the cached
 * BODYSTRUCTURE.
 */
record ContentType(String type, String subtype, String boundary, String charset) {
    static final ContentType TEXT_PLAIN = new ContentType("text", "plain", null, "us-ascii");
    static final ContentType MESSAGE_RFC822 = new ContentType("message", "rfc822", null, null);

    boolean is(String t, String s) {
        return type.equals(t) && subtype.equals(s);
    }

    /** null or an invalid type gives the default (message/rfc822 inside a multipart/digest). */
    static ContentType parse(String value, boolean inDigest) {
        ContentType fallback = inDigest ? MESSAGE_RFC822 : TEXT_PLAIN;
        if (value == null) {
            return fallback;
        }
        int n = value.length();
        int i = 0;
        StringBuilder token = new StringBuilder();
        while (i < n && value.charAt(i) != ';') {
            char c = value.charAt(i++);
            if (c == '(') {
                i = skipComment(value, i);
            } else if (!Character.isWhitespace(c) && c != '"') {
                token.append(c);
            }
        }
        String t = token.toString().toLowerCase(Locale.ROOT);
        int slash = t.indexOf('/');
        if (slash <= 0 || slash == t.length() - 1 || t.indexOf('/', slash + 1) >= 0) {
            return fallback;
        }
        String boundary = null;
        String charset = null;
        while (i < n) {
            i++; // ';'
            StringBuilder name = new StringBuilder();
            while (i < n && value.charAt(i) != '=' && value.charAt(i) != ';') {
                char c = value.charAt(i++);
                if (c == '(') {
                    i = skipComment(value, i);
                } else if (!Character.isWhitespace(c)) {
                    name.append(c);
                }
            }
            if (i >= n || value.charAt(i) == ';') {
                continue;
            }
            i++; // '='
            while (i < n && Character.isWhitespace(value.charAt(i))) {
                i++;
            }
            StringBuilder val = new StringBuilder();
            if (i < n && value.charAt(i) == '"') {
                i++;
                while (i < n && value.charAt(i) != '"') {
                    char c = value.charAt(i++);
                    if (c == '\\' && i < n) {
                        c = value.charAt(i++);
                    }
                    val.append(c);
                }
                i++;
                while (i < n && value.charAt(i) != ';') {
                    i++;
                }
            } else {
                while (i < n && value.charAt(i) != ';') {
                    char c = value.charAt(i++);
                    if (c == '(') {
                        i = skipComment(value, i);
                    } else {
                        val.append(c);
                    }
                }
            }
            String key = name.toString().toLowerCase(Locale.ROOT);
            String v = val.toString().strip();
            if (key.equals("boundary") && boundary == null) {
                boundary = v;
            } else if (key.equals("charset") && charset == null) {
                charset = v;
            }
        }
        return new ContentType(t.substring(0, slash), t.substring(slash + 1), boundary, charset);
    }

    private static int skipComment(String s, int i) {
        int depth = 1;
        while (i < s.length() && depth > 0) {
            char c = s.charAt(i++);
            if (c == '\\') {
                i++;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            }
        }
        return Math.min(i, s.length());
    }
}
