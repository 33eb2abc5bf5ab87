package org.mailslot.protocols.outbound;

import org.mailslot.store.OutboundEntry;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds the delivery status notifications the queue sends its senders (RFC 3464, in an RFC 3462 multipart/report):
 * a human-readable part, the message/delivery-status part (per message: Reporting-MTA, the queue id, Arrival-Date;
 * per recipient: Final-Recipient, Action, Status, Remote-MTA, Diagnostic-Code, Last-Attempt-Date, and
 * Will-Retry-Until for a delay), and the original message's header section as text/rfc822-headers.
 */
final class DeliveryReport {
    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    /** What happened to a recipient the report names. {@code lastAttempt} null when it is not known. */
    record Recipient(String address, Action action, String status, String diagnostic, String remoteMta,
                     Instant lastAttempt) {}

    enum Action {
        FAILED("failed"), DELAYED("delayed");

        private final String field;

        Action(String field) {
            this.field = field;
        }
    }

    private final String hostname;

    DeliveryReport(String hostname) {
        this.hostname = hostname;
    }

    /** The final report: the recipients the message could not be delivered to. */
    byte[] failure(String queueId, OutboundEntry entry, List<Recipient> failed, byte[] headers, Instant now) {
        StringBuilder text = new StringBuilder("This is the mail system at host ").append(hostname).append(".\r\n\r\n")
                .append("I'm sorry to have to tell you that your message could not be delivered to one or more\r\n")
                .append("recipients. Its headers are attached below.\r\n\r\n")
                .append("For further assistance, send mail to postmaster. The mail system\r\n\r\n");
        return build("Undelivered Mail Returned to Sender", text, queueId, entry, failed, headers, now);
    }

    /** The warning that a message is still being retried (sent once per message). */
    byte[] delay(String queueId, OutboundEntry entry, List<Recipient> delayed, byte[] headers, Instant now) {
        StringBuilder text = new StringBuilder("This is the mail system at host ").append(hostname).append(".\r\n\r\n")
                .append("####################################################################\r\n")
                .append("# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\r\n")
                .append("####################################################################\r\n\r\n")
                .append("Your message could not be delivered yet to the recipients below. The mail\r\n")
                .append("system will keep trying until ").append(DATE.format(entry.expiresAt())).append(".\r\n\r\n")
                .append("The mail system\r\n\r\n");
        return build("Delayed Mail (still being retried)", text, queueId, entry, delayed, headers, now);
    }

    private byte[] build(String subject, StringBuilder text, String queueId, OutboundEntry entry,
                         List<Recipient> recipients, byte[] headers, Instant now) {
        String boundary = "=_mailslot_" + queueId + "_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        for (Recipient r : recipients) {
            text.append('<').append(r.address()).append(">: ")
                    .append(r.remoteMta() == null ? "" : "host " + r.remoteMta() + " said: ")
                    .append(Diagnostics.oneLine(r.diagnostic() == null ? "" : r.diagnostic())).append("\r\n");
        }
        StringBuilder m = new StringBuilder()
                .append("From: Mail Delivery System <MAILER-DAEMON@").append(hostname).append(">\r\n")
                .append("To: <").append(Diagnostics.ascii(entry.sender())).append(">\r\n")
                .append("Subject: ").append(subject).append("\r\n")
                .append("Date: ").append(DATE.format(now)).append("\r\n")
                .append("Message-ID: <").append(now.toEpochMilli()).append('.').append(queueId).append('.')
                .append(boundary.substring(boundary.length() - 8)).append('@').append(hostname).append(">\r\n")
                .append("Auto-Submitted: auto-replied\r\n")
                .append("MIME-Version: 1.0\r\n")
                .append("Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"")
                .append(boundary).append("\"\r\n\r\n")
                .append("This is a MIME-encapsulated message.\r\n\r\n")
                .append("--").append(boundary).append("\r\n")
                .append("Content-Description: Notification\r\n")
                .append("Content-Type: text/plain; charset=utf-8\r\n")
                .append("Content-Transfer-Encoding: 8bit\r\n\r\n")
                .append(text).append("\r\n")
                .append("--").append(boundary).append("\r\n")
                .append("Content-Description: Delivery report\r\n")
                .append("Content-Type: message/delivery-status\r\n\r\n")
                .append("Reporting-MTA: dns; ").append(hostname).append("\r\n")
                .append("X-Mailslot-Queue-ID: ").append(queueId).append("\r\n")
                .append("X-Mailslot-Sender: rfc822; ").append(Diagnostics.ascii(entry.sender())).append("\r\n")
                .append("Arrival-Date: ").append(DATE.format(entry.createdAt())).append("\r\n");
        for (Recipient r : recipients) {
            m.append("\r\n")
                    .append("Final-Recipient: rfc822; ").append(Diagnostics.ascii(r.address())).append("\r\n")
                    .append("Action: ").append(r.action().field).append("\r\n")
                    .append("Status: ").append(r.status()).append("\r\n");
            if (r.remoteMta() != null) {
                m.append("Remote-MTA: ").append(Diagnostics.remoteMta(r.remoteMta())).append("\r\n");
            }
            if (r.diagnostic() != null) {
                m.append("Diagnostic-Code: ").append(Diagnostics.diagnosticCode(r.diagnostic())).append("\r\n");
            }
            if (r.lastAttempt() != null) {
                m.append("Last-Attempt-Date: ").append(DATE.format(r.lastAttempt())).append("\r\n");
            }
            if (r.action() == Action.DELAYED) {
                m.append("Will-Retry-Until: ").append(DATE.format(entry.expiresAt())).append("\r\n");
            }
        }
        m.append("\r\n")
                .append("--").append(boundary).append("\r\n")
                .append("Content-Description: Undelivered Message Headers\r\n")
                .append("Content-Type: text/rfc822-headers\r\n\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(m.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(headers);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
