package org.mailslot.protocols.imap.message;

import org.mailslot.core.mime.HeaderDecoder;
import java.util.ArrayList;
import java.util.List;

/**
 * The first mailbox of an address-list header, as SORT needs it (RFC 5256 FROM/TO/CC, RFC 5957 DISPLAYFROM/TO).
 * A lenient reader: quoted strings, comments, angle addresses, groups (their members count; the group name does
 * not) and bare addr-specs; it never throws.
 *
 * @param name    the display name, encoded words decoded, or "" when there is none
 * @param mailbox the local part ("addr-mailbox"), or ""
 * @param host    the domain ("addr-host"), or ""
 */
record Address(String name, String mailbox, String host) {

    /** RFC 5957 section 3: the display name when it is not empty, else mailbox@host. */
    String display() {
        if (!name.isBlank()) {
            return name;
        }
        return host.isEmpty() ? mailbox : mailbox + "@" + host;
    }

    /** The first mailbox of the raw header value, or null if there is none. */
    static Address first(String raw) {
        if (raw == null) {
            return null;
        }
        List<String> phrase = new ArrayList<>();
        String comment = null;
        int i = 0;
        int n = raw.length();
        while (i < n) {
            char c = raw.charAt(i);
            if (c == '"') {
                StringBuilder q = new StringBuilder();
                i++;
                while (i < n && raw.charAt(i) != '"') {
                    char d = raw.charAt(i++);
                    if (d == '\\' && i < n) {
                        d = raw.charAt(i++);
                    }
                    q.append(d);
                }
                i++;
                phrase.add(q.toString());
            } else if (c == '(') {
                int depth = 1;
                StringBuilder q = new StringBuilder();
                i++;
                while (i < n && depth > 0) {
                    char d = raw.charAt(i++);
                    if (d == '\\' && i < n) {
                        q.append(raw.charAt(i++));
                        continue;
                    }
                    if (d == '(') {
                        depth++;
                    } else if (d == ')') {
                        depth--;
                        if (depth == 0) {
                            break;
                        }
                    }
                    q.append(d);
                }
                if (comment == null) {
                    comment = q.toString();
                }
            } else if (c == '<') {
                int close = raw.indexOf('>', i);
                String spec = raw.substring(i + 1, close < 0 ? n : close);
                int colon = spec.lastIndexOf(':'); // obsolete route "@a,@b:"
                if (colon >= 0) {
                    spec = spec.substring(colon + 1);
                }
                Address a = spec(spec.strip(), name(phrase));
                if (a != null) {
                    return a;
                }
                phrase.clear();
                i = close < 0 ? n : close + 1;
            } else if (c == ':') {
                phrase.clear(); // group name: members follow
                comment = null;
                i++;
            } else if (c == ',' || c == ';') {
                Address a = bare(phrase, comment);
                if (a != null) {
                    return a;
                }
                phrase.clear();
                comment = null;
                i++;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                i++;
            } else {
                int start = i;
                while (i < n && " \t\r\n\"(<,;:".indexOf(raw.charAt(i)) < 0) {
                    i++;
                }
                phrase.add(raw.substring(start, i));
            }
        }
        return bare(phrase, comment);
    }

    private static String name(List<String> phrase) {
        return HeaderDecoder.decodeWords(String.join(" ", phrase)).strip();
    }

    /** "user@host (Name)" without angle brackets: the words joined are the addr-spec. */
    private static Address bare(List<String> words, String comment) {
        if (words.isEmpty()) {
            return null;
        }
        String name = comment == null ? "" : HeaderDecoder.decodeWords(comment).strip();
        return spec(String.join("", words), name);
    }

    private static Address spec(String spec, String name) {
        if (spec.isEmpty()) {
            return null;
        }
        int at = spec.lastIndexOf('@');
        if (at < 0) {
            return new Address(name, spec, "");
        }
        return new Address(name, spec.substring(0, at), spec.substring(at + 1));
    }
}
