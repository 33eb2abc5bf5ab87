package org.mailslot.protocols.imap.parse;

import java.util.List;
import java.util.Objects;

/** A body section: part path (empty = whole message), then what of it. fields only for HEADER_FIELDS(_NOT). */
public record Section(List<Integer> part, SectionText text, List<String> fields) {
    public enum SectionText { NONE, HEADER, HEADER_FIELDS, HEADER_FIELDS_NOT, TEXT, MIME }

    public Section {
        part = List.copyOf(part);
        Objects.requireNonNull(text, "text");
        fields = fields == null ? List.of() : List.copyOf(fields);
    }

    /** The section as the client wrote it, normalized, for the response item: e.g. "1.2.HEADER.FIELDS (FROM TO)". */
    public String wireName() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < part.size(); i++) {
            if (i > 0) sb.append('.');
            sb.append(part.get(i));
        }
        String t = switch (text) {
            case NONE -> "";
            case HEADER -> "HEADER";
            case HEADER_FIELDS -> "HEADER.FIELDS";
            case HEADER_FIELDS_NOT -> "HEADER.FIELDS.NOT";
            case TEXT -> "TEXT";
            case MIME -> "MIME";
        };
        if (!t.isEmpty()) {
            if (!part.isEmpty()) sb.append('.');
            sb.append(t);
        }
        if (text == SectionText.HEADER_FIELDS || text == SectionText.HEADER_FIELDS_NOT) {
            sb.append(" (");
            for (int i = 0; i < fields.size(); i++) {
                if (i > 0) sb.append(' ');
                appendAstring(sb, fields.get(i));
            }
            sb.append(')');
        }
        return sb.toString();
    }

    /** Field names are atoms in practice; anything else is written quoted (or as a literal if it cannot be quoted). */
    private static void appendAstring(StringBuilder sb, String s) {
        boolean atom = !s.isEmpty();
        boolean quotable = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '(' || c == ')' || c == '{' || c == '%' || c == '*'
                    || c == '"' || c == '\\' || c == ']') {
                atom = false;
            }
            if (c == '\r' || c == '\n' || c == 0 || c >= 0x7f) quotable = false;
        }
        if (atom) {
            sb.append(s);
        } else if (quotable) {
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') sb.append('\\');
                sb.append(c);
            }
            sb.append('"');
        } else {
            byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            sb.append('{').append(b.length).append("}\r\n").append(s);
        }
    }
}
