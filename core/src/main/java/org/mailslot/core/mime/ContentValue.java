package org.mailslot.core.mime;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A lenient parse of a {@code Content-Type} or {@code Content-Disposition} value: a leading token and
 * {@code ; name=value} parameters in the order they appear (names lower-cased, values unquoted, raw).
 */
public record ContentValue(String token, List<Param> params) {

    public record Param(String name, String value) {}

    public static ContentValue parse(String value) {
        if (value == null) {
            return new ContentValue("", List.of());
        }
        int i = 0;
        int n = value.length();
        StringBuilder token = new StringBuilder();
        while (i < n && value.charAt(i) != ';') {
            char c = value.charAt(i++);
            if (c == '(') {
                i = skipComment(value, i);
            } else if (!Character.isWhitespace(c) && c != '"') {
                token.append(c);
            }
        }
        List<Param> params = new ArrayList<>();
        while (i < n) {
            i++; // the ';'
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
                continue; // a name without a value: ignored
            }
            i++; // the '='
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
                i++; // closing quote (or end)
                while (i < n && value.charAt(i) != ';') {
                    i++; // junk after the quoted value
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
            if (!name.isEmpty()) {
                params.add(new Param(name.toString().toLowerCase(Locale.ROOT), val.toString().strip()));
            }
        }
        return new ContentValue(token.toString().toLowerCase(Locale.ROOT), List.copyOf(params));
    }

    /** The first parameter of that (lower-case) name, or null. */
    public String param(String name) {
        for (Param p : params) {
            if (p.name.equals(name)) {
                return p.value;
            }
        }
        return null;
    }

    /** Skips a comment whose '(' is just before {@code i}; returns the index after its ')'. */
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
