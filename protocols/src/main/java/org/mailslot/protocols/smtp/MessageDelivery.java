package org.mailslot.protocols.smtp;

import org.mailslot.protocols.delivery.MailDrop;
import org.mailslot.protocols.delivery.MailDrop.Outcome;
import org.mailslot.protocols.smtp.SmtpCommand.Verb;
import org.mailslot.protocols.smtp.inbound.InboundChecks;
import org.mailslot.protocols.smtp.inbound.Verdict;
import org.mailslot.store.MessageContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * The end of DATA or BDAT LAST: hands the message to the {@link org.mailslot.protocols.delivery.MailDrop} and turns
 * the outcomes into the reply (SMTP) or one reply per accepted recipient in RCPT order (LMTP, RFC 2033 4.2).
 *
 * <p>SMTP can answer only once per message: 250 when every recipient's slot has it durably; 452 4.2.2 when every
 * account is over quota; 451 4.3.0 when any slot failed. In that last case the slots that did take the message keep
 * it, and the sender's retry duplicates it there: a window the RCPT-time slot check makes small but cannot close
 * without a spool of our own. Submission goes to the outbound queue instead ({@link SubmissionQueueing}).
 */
final class MessageDelivery {
    private static final Logger log = LoggerFactory.getLogger(MessageDelivery.class);

    /** The MX's checks (SPF, DKIM, DMARC, spamd); not run for submission and LMTP. */
    private final InboundChecks inbound;
    private final SubmissionQueueing submission = new SubmissionQueueing();

    MessageDelivery(InboundChecks inbound) {
        this.inbound = inbound;
    }

    void finish(SmtpSession s, Transaction t, Spool spool, Verb verb) throws IOException {
        MessageContent content = spool.content();
        if (s.mode == SmtpMode.MX) {
            Verdict verdict = inbound.evaluate(s.conn.remote().getAddress(), s.helo, t.mail.sender(), content);
            log.info("{} {} inbound: {}", s.conn.id(), t.id, verdict.summary());
            if (verdict.rejection().isPresent()) {
                Verdict.Rejection r = verdict.rejection().get();
                s.conn.metrics().delivery("rejected");
                s.refuse(verb, Reply.of(r.code(), r.status(), r.text()), "policy", false);
                return;
            }
            content = verdict.applyTo(content);
        }
        Instant now = s.ctx.clock().instant();
        if (s.mode == SmtpMode.SUBMISSION) {
            submission.finish(s, t, content, now, verb);
            return;
        }
        List<Outcome> outcomes;
        try {
            outcomes = s.drop.deliver(t.mail.sender(), t.recipients, content, now,
                    s.mode == SmtpMode.LMTP ? MailDrop.ReplyScope.PER_RECIPIENT : MailDrop.ReplyScope.PER_MESSAGE);
        } catch (RuntimeException e) {
            String incident = t.id + "-" + Long.toString(System.nanoTime() % 100_000, 36);
            log.error("{} delivery of {} failed, incident {}", s.conn.id(), t.id, incident, e);
            s.conn.metrics().delivery("tempfail");
            Reply r = Reply.of(451, "4.3.0", "Internal error (incident " + incident + "), try again later");
            int replies = s.mode == SmtpMode.LMTP ? t.recipients.size() : 1;
            for (int i = 0; i < replies; i++) {
                s.refuse(verb, r, "internal", false);
            }
            return;
        }
        outcomes.forEach(o -> s.conn.metrics().delivery(switch (o) {
            case Outcome.Delivered d -> "delivered";
            case Outcome.OverQuota q -> "over_quota";
            case Outcome.TemporaryFailure f -> "tempfail";
        }));
        log.info("{} {} from=<{}> size={} {}", s.conn.id(), t.id, EnvelopePolicy.printable(t.mail.sender()),
                spool.bodySize(), describe(t, outcomes));
        if (s.mode == SmtpMode.LMTP) {
            for (int i = 0; i < outcomes.size(); i++) {
                String rcpt = "<" + EnvelopePolicy.printable(t.recipients.get(i).address()) + "> ";
                s.reply(verb, switch (outcomes.get(i)) {
                    case Outcome.Delivered d -> Reply.of(250, "2.0.0", rcpt + "Ok: delivered as " + t.id);
                    case Outcome.OverQuota q -> Reply.of(452, "4.2.2", rcpt + "Mailbox full, try again later");
                    case Outcome.TemporaryFailure f -> Reply.of(451, "4.3.0", rcpt + "Temporarily unavailable, try again later");
                });
            }
            if (outcomes.stream().anyMatch(o -> o instanceof Outcome.Delivered)) {
                s.delivered();
            }
            return;
        }
        boolean failed = outcomes.stream().anyMatch(o -> o instanceof Outcome.TemporaryFailure);
        boolean full = outcomes.stream().anyMatch(o -> o instanceof Outcome.OverQuota);
        if (failed) {
            if (outcomes.stream().anyMatch(o -> o instanceof Outcome.Delivered)) {
                log.warn("{} {} partly delivered before a slot failed; the sender's retry will duplicate it for {}",
                        s.conn.id(), t.id, describe(t, outcomes));
            }
            s.refuse(verb, Reply.of(451, "4.3.0", "Temporary failure in delivery, try again later"), "unavailable", false);
        } else if (full) {
            s.refuse(verb, Reply.of(452, "4.2.2", "Mailbox full, try again later"), "quota", false);
        } else {
            s.delivered();
            s.reply(verb, Reply.of(250, "2.0.0", "Ok: delivered as " + t.id));
        }
    }

    private static String describe(Transaction t, List<Outcome> outcomes) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < outcomes.size(); i++) {
            b.append(i == 0 ? "" : ", ").append("to=<").append(EnvelopePolicy.printable(t.recipients.get(i).address()))
                    .append("> ").append(switch (outcomes.get(i)) {
                        case Outcome.Delivered d -> d.graced() > 0 ? "delivered (" + d.graced() + " over quota by grace)" : "delivered";
                        case Outcome.OverQuota q -> "over quota (" + q.usedBytes() + "/" + q.quotaBytes() + ")";
                        case Outcome.TemporaryFailure f -> "deferred (" + f.reason() + ")";
                    });
        }
        return b.toString();
    }
}
