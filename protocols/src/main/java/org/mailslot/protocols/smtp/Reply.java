package org.mailslot.protocols.smtp;

import org.mailslot.core.net.Connection;

import java.io.IOException;
import java.util.List;

/**
 * One SMTP reply: a three-digit code, an enhanced status code (RFC 3463, null where RFC 2034 leaves it out: the
 * greeting, EHLO and 354), and one or more text lines, sent as a multi-line reply when there are several.
 */
record Reply(int code, String enhanced, List<String> lines) {

    Reply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("reply code " + code);
        }
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply needs a text line");
        }
    }

    static Reply of(int code, String enhanced, String text) {
        return new Reply(code, enhanced, List.of(text));
    }

    boolean positive() {
        return code < 400;
    }

    boolean permanent() {
        return code >= 500;
    }

    /** The first line as it goes on the wire (for logs): "550 5.1.1 text". */
    String firstLine() {
        return format(0, false);
    }

    void writeTo(Connection c) throws IOException {
        for (int i = 0; i < lines.size(); i++) {
            c.writeLine(format(i, i < lines.size() - 1));
        }
    }

    private String format(int i, boolean more) {
        StringBuilder b = new StringBuilder(80).append(code).append(more ? '-' : ' ');
        if (enhanced != null) {
            b.append(enhanced).append(' ');
        }
        return b.append(lines.get(i)).toString();
    }

    @Override
    public String toString() {
        return firstLine();
    }
}
