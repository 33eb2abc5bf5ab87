package org.mailslot.protocols.smtp.client;

import java.util.List;

/**
 * One reply of an SMTP or LMTP server (RFC 5321 4.2): the three-digit {@code code}, the enhanced status code
 * (RFC 3463, e.g. "5.1.1", or null when the server gave none) and the text of each line without code and enhanced
 * code.
 */
public record ClientReply(int code, String enhanced, List<String> lines) {

    public ClientReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("reply code out of range: " + code);
        }
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply has at least one line");
        }
    }

    /** 2xx: the command succeeded. */
    public boolean isPositive() {
        return code < 300;
    }

    /** 3xx: the server waits for more (354 after DATA, 334 during AUTH). */
    public boolean isIntermediate() {
        return code >= 300 && code < 400;
    }

    /** 4xx: a temporary failure; the same command may succeed later. */
    public boolean isTransient() {
        return code >= 400 && code < 500;
    }

    /** 5xx: a permanent failure. */
    public boolean isPermanent() {
        return code >= 500;
    }

    /** The lines' text joined by single spaces. */
    public String text() {
        return String.join(" ", lines);
    }

    /** The reply as one line, e.g. {@code 550 5.1.1 No such user}: for logs and DSN diagnostics. */
    @Override
    public String toString() {
        return code + (enhanced == null ? "" : " " + enhanced) + (text().isEmpty() ? "" : " " + text());
    }
}
