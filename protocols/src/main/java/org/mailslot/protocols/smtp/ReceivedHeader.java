package org.mailslot.protocols.smtp;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The trace header RFC 5321 4.4 asks for at the top of every message we accept:
 * <pre>
 * Received: from HELO-NAME ([CLIENT-IP])
 *         (using TLSv1.3 with cipher ...)
 *         by HOSTNAME (mailslot) with ESMTPS id ID
 *         for &lt;RCPT&gt;; DATE
 * </pre>
 * No reverse DNS: the address literal is what we know. "for" only with a single recipient (more would disclose
 * the Bcc list). The "with" word follows RFC 3848/6531: ESMTP, ESMTPS, ESMTPA, ESMTPSA, LMTP..., UTF8SMTP...
 */
final class ReceivedHeader {
    private static final Pattern SAFE_HELO = Pattern.compile("[A-Za-z0-9._:\\[\\]-]{1,255}");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

    private ReceivedHeader() {}

    record Trace(String helo, InetAddress client, String hostname, String with, String id, String tls,
                 String recipient, ZonedDateTime date) {}

    static byte[] build(Trace t) {
        StringBuilder b = new StringBuilder(256);
        String helo = t.helo() != null && SAFE_HELO.matcher(t.helo()).matches() ? t.helo() : "unknown";
        b.append("Received: from ").append(helo).append(" (").append(literal(t.client())).append(")\r\n");
        if (t.tls() != null) {
            b.append("\t(using ").append(t.tls()).append(")\r\n");
        }
        b.append("\tby ").append(t.hostname()).append(" (mailslot) with ").append(t.with()).append(" id ").append(t.id());
        if (t.recipient() != null) {
            b.append("\r\n\tfor <").append(t.recipient()).append('>');
        }
        b.append(";\r\n\t").append(DATE.format(t.date())).append("\r\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** RFC 3848 / RFC 6531 protocol names. */
    static String with(SmtpMode mode, boolean extended, boolean utf8, boolean tls, boolean authenticated) {
        String base = mode.withName(extended);
        if (base.equals("SMTP")) {
            return "SMTP";
        }
        if (utf8) {
            base = mode == SmtpMode.LMTP ? "UTF8LMTP" : "UTF8SMTP";
        }
        return base + (tls ? "S" : "") + (authenticated ? "A" : "");
    }

    static String literal(InetAddress a) {
        return a instanceof Inet6Address ? "[IPv6:" + a.getHostAddress() + "]" : "[" + a.getHostAddress() + "]";
    }
}
