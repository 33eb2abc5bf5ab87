package org.mailslot.core.mime;

import java.util.ArrayList;
import java.util.List;

/**
 * A lenient RFC 5322 address-list parser that renders IMAP envelope address lists. Display names stay
 * raw (RFC 2047 encoded words are not decoded), as IMAP servers traditionally return them.
 */
final class AddressList {
    private AddressList() {}

    /** One ENVELOPE address: {@code (name adl mailbox host)}; group markers use null host. */
    record Address(String name, String route, String mailbox, String host) {}

    /** Renders {@code ("name" NIL "mbox" "host")...} or NIL when the header is absent or has no address. */
    static void render(StringBuilder out, String header) {
        List<Address> list = header == null ? List.of() : parse(header);
        if (list.isEmpty()) {
            out.append("NIL");
            return;
        }
        out.append('(');
        for (Address a : list) {
            out.append('(');
            ImapStrings.nstring(out, a.name);
            out.append(' ');
            ImapStrings.nstring(out, a.route);
            out.append(' ');
            ImapStrings.nstring(out, a.mailbox);
            out.append(' ');
            ImapStrings.nstring(out, a.host);
            out.append(')');
        }
        out.append(')');
    }

    static List<Address> parse(String s) {
        List<Address> out = new ArrayList<>();
        new Parser(s, out).run();
        return out;
    }

    private static final class Parser {
        private final String s;
        private final List<Address> out;
        private int i;
        private boolean inGroup;
        // the address being collected
        private final List<String> words = new ArrayList<>();
        private String comment;
        private String angle;

        Parser(String s, List<Address> out) {
            this.s = s;
            this.out = out;
        }

        void run() {
            while (i < s.length()) {
                char c = s.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '(') {
                    String text = comment();
                    if (comment == null && !text.isBlank()) {
                        comment = text.strip();
                    }
                } else if (c == '"') {
                    words.add(quoted());
                } else if (c == '<') {
                    angle = angle();
                } else if (c == ',') {
                    i++;
                    flush();
                } else if (c == ':' && angle == null && !inGroup) {
                    i++;
                    String name = String.join(" ", words).strip();
                    words.clear();
                    comment = null;
                    out.add(new Address(null, null, name, null));
                    inGroup = true;
                } else if (c == ';' && inGroup) {
                    i++;
                    flush();
                    out.add(new Address(null, null, null, null));
                    inGroup = false;
                } else {
                    String atom = atom();
                    if (!atom.isEmpty()) {
                        words.add(atom);
                    }
                }
            }
            flush();
            if (inGroup) {
                out.add(new Address(null, null, null, null));
            }
        }

        private void flush() {
            if (angle != null) {
                String route = null;
                String spec = angle;
                int colon = spec.indexOf(':');
                if (spec.startsWith("@") && colon > 0) {
                    route = spec.substring(0, colon);
                    spec = spec.substring(colon + 1);
                }
                String name = words.isEmpty() ? comment : joinPhrase();
                if (!spec.isEmpty() || name != null) {
                    add(name, route, spec);
                }
            } else if (!words.isEmpty()) {
                add(comment, null, String.join("", words));
            }
            words.clear();
            comment = null;
            angle = null;
        }

        private String joinPhrase() {
            return String.join(" ", words);
        }

        private void add(String name, String route, String spec) {
            int at = spec.lastIndexOf('@');
            String mailbox = at >= 0 ? spec.substring(0, at) : spec;
            String host = at >= 0 ? spec.substring(at + 1) : "";
            out.add(new Address(name, route, mailbox, host));
        }

        private String comment() {
            int depth = 0;
            StringBuilder sb = new StringBuilder();
            while (i < s.length()) {
                char c = s.charAt(i++);
                if (c == '\\' && i < s.length()) {
                    sb.append(s.charAt(i++));
                    continue;
                }
                if (c == '(') {
                    if (depth++ == 0) {
                        continue;
                    }
                } else if (c == ')') {
                    if (--depth == 0) {
                        break;
                    }
                }
                sb.append(c);
            }
            return sb.toString();
        }

        private String quoted() {
            i++; // opening quote
            StringBuilder sb = new StringBuilder();
            while (i < s.length()) {
                char c = s.charAt(i++);
                if (c == '"') {
                    break;
                }
                if (c == '\\' && i < s.length()) {
                    c = s.charAt(i++);
                }
                sb.append(c);
            }
            return sb.toString();
        }

        private String angle() {
            i++; // '<'
            StringBuilder sb = new StringBuilder();
            while (i < s.length()) {
                char c = s.charAt(i++);
                if (c == '>') {
                    break;
                }
                if (c == '"') {
                    i--;
                    sb.append(quotedLocalPart());
                } else if (!Character.isWhitespace(c)) {
                    sb.append(c);
                }
            }
            return sb.toString();
        }

        private String quotedLocalPart() {
            return '"' + quoted().replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        }

        private String atom() {
            int start = i;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (Character.isWhitespace(c) || c == '(' || c == '"' || c == '<' || c == ','
                        || (c == ':' && !inGroup) || (c == ';' && inGroup)) {
                    break;
                }
                i++;
            }
            if (i == start) {
                i++; // a lone special such as '>' or ';' outside a group: skip it as a word
                return s.substring(start, i).equals(">") ? "" : s.substring(start, i);
            }
            return s.substring(start, i);
        }
    }
}
