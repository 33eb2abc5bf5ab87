package org.mailslot.core.mime;

import java.nio.charset.StandardCharsets;

/** Writes IMAP string atoms: quoted strings, literals and NIL. */
final class ImapStrings {
    private ImapStrings() {}

    static void nstring(StringBuilder out, String s) {
        if (s == null) {
            out.append("NIL");
        } else {
            string(out, s);
        }
    }

    /**
     * A quoted string, or a literal when the value holds CR or LF (which a quoted string cannot carry).
     * Non-ASCII text stays UTF-8 inside the quotes (IMAP4rev2 utf8-quoted).
     */
    static void string(StringBuilder out, String s) {
        if (s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0) {
            out.append('{').append(s.getBytes(StandardCharsets.UTF_8).length).append("}\r\n").append(s);
            return;
        }
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        out.append('"');
    }
}
