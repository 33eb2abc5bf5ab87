package org.mailslot.protocols.outbound;

import org.mailslot.protocols.outbound.OutboundTransport.RecipientResult;

import java.util.regex.Pattern;

/**
 * How a transport's answer about one recipient is kept in the queue and shown in a report: an RFC 3463 status code,
 * a one-line diagnostic (the SMTP reply when there was one, else the local reason) and the host that answered.
 */
final class Diagnostics {
    private static final Pattern ENHANCED = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");
    private static final Pattern SMTP_REPLY = Pattern.compile("[2-5]\\d\\d( .*)?");
    /** Delivery status fields are lines of a header-like block: kept well under the 998-octet line limit. */
    static final int MAX_DIAGNOSTIC = 500;

    private Diagnostics() {}

    /**
     * The status code: the server's enhanced code when it gave one, else one from the reply's class (x.0.0), else for
     * no reply at all 4.4.1 (no answer from host) or, when that was final, 5.4.4 (unable to route).
     */
    static String status(RecipientResult r) {
        if (r.enhanced() != null && ENHANCED.matcher(r.enhanced()).matches()) {
            return r.enhanced();
        }
        if (r.code() >= 200 && r.code() < 600) {
            return r.code() / 100 + ".0.0";
        }
        return switch (r.status()) {
            case DELIVERED -> "2.0.0";
            case TEMPORARY -> "4.4.1";
            case PERMANENT -> "5.4.4";
        };
    }

    /** "550 5.1.1 text" for an SMTP reply (code and enhanced code put in front when the text lacks them), else the reason. */
    static String text(RecipientResult r) {
        String reason = oneLine(r.diagnostic() == null ? "" : r.diagnostic());
        if (r.code() < 200 || r.code() >= 600) {
            return reason.isEmpty() ? "no reason given" : reason;
        }
        if (reason.startsWith(Integer.toString(r.code()))) {
            return reason;
        }
        String enhanced = r.enhanced() != null && !reason.startsWith(r.enhanced()) ? r.enhanced() + " " : "";
        return (r.code() + " " + enhanced + reason).strip();
    }

    /** RFC 3464 Diagnostic-Code: "smtp; reply" for a server's reply, "X-mailslot; reason" for a local one. */
    static String diagnosticCode(String diagnostic) {
        String d = ascii(diagnostic == null ? "" : diagnostic);
        return (SMTP_REPLY.matcher(d).matches() ? "smtp; " : "X-mailslot; ") + d;
    }

    /** RFC 3464 Remote-MTA: the host name without an address in brackets after it. */
    static String remoteMta(String remoteMta) {
        String host = remoteMta.contains("[") && remoteMta.indexOf('[') > 0
                ? remoteMta.substring(0, remoteMta.indexOf('[')) : remoteMta;
        return "dns; " + ascii(host.strip());
    }

    /** No line breaks or control characters, at most {@link #MAX_DIAGNOSTIC} characters. */
    static String oneLine(String s) {
        String flat = s.replaceAll("[\\r\\n\\t]+", " ").replaceAll("\\p{Cntrl}", "?").strip();
        return flat.length() > MAX_DIAGNOSTIC ? flat.substring(0, MAX_DIAGNOSTIC) + "..." : flat;
    }

    /** A delivery-status part is US-ASCII (RFC 3464): other characters become '?'. */
    static String ascii(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
