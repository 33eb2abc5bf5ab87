package org.mailslot.protocols.smtp.inbound;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code Authentication-Results} header field (RFC 8601) we put on top of a message, one result per line:
 * <pre>
 * Authentication-Results: mx.example.com;
 *         spf=pass (client 192.0.2.1) smtp.mailfrom=example.org;
 *         dkim=pass header.d=example.org header.s=s1 header.b=AbCdEf012345;
 *         dmarc=pass (p=reject dis=none) header.from=example.org
 * </pre>
 * Every value that came from the sender (domains, selectors, reasons) is written as a token when it is one and as
 * an escaped quoted-string otherwise, so that no sender can add results or fields of its own. Also reads the
 * authserv-id of received fields, so that ones claiming to be ours can be removed (RFC 8601 5).
 */
final class AuthenticationResults {
    static final String NAME = "Authentication-Results";
    private static final int MAX_REASON = 120;

    private AuthenticationResults() {}

    /** The whole field with CRLF; null when no method ran. Each argument is null when its check is off. */
    static String field(String authservId, InetAddress client, SpfCheck.Result spf, List<DkimCheck.Result> dkim,
                        DmarcCheck.Result dmarc) {
        List<String> results = new ArrayList<>();
        if (spf != null) {
            results.add("spf=" + spf.result() + " (client " + client.getHostAddress() + ")"
                    + (spf.domain() == null ? "" : " smtp." + spf.identity() + "=" + value(spf.domain())));
        }
        if (dkim != null) {
            if (dkim.isEmpty()) {
                results.add("dkim=none");
            }
            for (DkimCheck.Result d : dkim) {
                StringBuilder b = new StringBuilder("dkim=").append(d.result());
                if (d.reason() != null) {
                    b.append(" reason=").append(quoted(d.reason()));
                }
                if (d.domain() != null) {
                    b.append(" header.d=").append(value(d.domain()));
                }
                if (d.selector() != null) {
                    b.append(" header.s=").append(value(d.selector()));
                }
                if (d.b() != null && !d.b().isEmpty()) {
                    b.append(" header.b=").append(value(d.b()));
                }
                results.add(b.toString());
            }
        }
        if (dmarc != null) {
            StringBuilder b = new StringBuilder("dmarc=").append(dmarc.result());
            if (dmarc.policy() != null) {
                b.append(" (p=").append(dmarc.policy()).append(" dis=").append(dmarc.applied()).append(')');
            }
            if (dmarc.reason() != null) {
                b.append(" reason=").append(quoted(dmarc.reason()));
            }
            if (dmarc.fromDomain() != null) {
                b.append(" header.from=").append(value(dmarc.fromDomain()));
            }
            results.add(b.toString());
        }
        if (results.isEmpty()) {
            return null;
        }
        return NAME + ": " + authservId + ";\r\n\t" + String.join(";\r\n\t", results) + "\r\n";
    }

    /**
     * The authserv-id of a received field's value (RFC 8601 2.2: the first value, a token or quoted-string, after
     * optional comments); null when there is none.
     */
    static String authservId(String value) {
        int i = skipCfws(value, 0);
        if (i >= value.length()) {
            return null;
        }
        if (value.charAt(i) == '"') {
            StringBuilder b = new StringBuilder();
            for (i++; i < value.length() && value.charAt(i) != '"'; i++) {
                char c = value.charAt(i);
                if (c == '\\' && i + 1 < value.length()) {
                    c = value.charAt(++i);
                }
                b.append(c);
            }
            return b.toString();
        }
        int start = i;
        while (i < value.length() && isTokenChar(value.charAt(i))) {
            i++;
        }
        return i > start ? value.substring(start, i) : null;
    }

    private static int skipCfws(String s, int i) {
        int depth = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (c == '\\' && depth > 0) {
                i++;
            } else if (depth == 0 && c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return i;
            }
            i++;
        }
        return i;
    }

    /** A token as is, anything else quoted (RFC 8601 2.2 pvalue / RFC 2045 value). */
    static String value(String s) {
        if (!s.isEmpty() && s.chars().allMatch(c -> isTokenChar((char) c))) {
            return s;
        }
        return quoted(s);
    }

    static String quoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        int n = 0;
        for (int i = 0; i < s.length() && n < MAX_REASON; i++, n++) {
            char c = s.charAt(i);
            if (c < 0x20) {
                b.append(' ');
            } else if (c >= 0x7f) {
                b.append('?'); // the field must survive a hop without SMTPUTF8
            } else {
                if (c == '"' || c == '\\') {
                    b.append('\\');
                }
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** RFC 2045 token characters: printable US-ASCII except tspecials {@code ()<>@,;:\"/[]?=}. */
    private static boolean isTokenChar(char c) {
        return c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?=".indexOf(c) < 0;
    }
}
