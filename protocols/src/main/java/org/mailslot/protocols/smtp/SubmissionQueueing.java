package org.mailslot.protocols.smtp;

import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.mailslot.directory.Account;
import org.mailslot.protocols.SlotUnavailableException;
import org.mailslot.protocols.delivery.MailDrop;
import org.mailslot.protocols.delivery.Outbox;
import org.mailslot.protocols.smtp.SmtpCommand.Verb;
import org.mailslot.protocols.smtp.inbound.HeaderFields;
import org.mailslot.store.MessageContent;
import org.mailslot.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * The end of a submitted message (DESIGN.md section 6): every author in {@code From} must be the logged-in account,
 * one of its aliases or an address that reaches it, as the envelope sender must (RFC 6409 8.1 lets the MSA enforce this);
 * then the message goes to the {@link Outbox}: the sender's Sent mailbox and the slot's outbound queue, in one
 * transaction on both copies of the slot, before the 250.
 */
final class SubmissionQueueing {
    private static final Logger log = LoggerFactory.getLogger(SubmissionQueueing.class);

    void finish(SmtpSession s, Transaction t, MessageContent content, Instant now, Verb verb) throws IOException {
        if (s.outbox == null || s.user == null) {
            s.refuse(verb, Reply.of(451, "4.3.0", "Submission is not available here, try again later"), "internal", false);
            return;
        }
        Reply refusal = authorRefusal(s, s.user, content);
        if (refusal != null) {
            s.refuse(verb, refusal, "policy");
            return;
        }
        List<String> recipients = t.recipients.stream().map(MailDrop.Recipient::address).toList();
        try {
            Outbox.Queued queued = s.outbox.submit(s.user, t.mail.sender(), recipients, content, now);
            s.conn.metrics().delivery("queued");
            log.info("{} {} from=<{}> user={} nrcpt={} queued as {}", s.conn.id(), t.id,
                    EnvelopePolicy.printable(t.mail.sender()), s.user.address(), recipients.size(), queued);
            s.delivered();
            s.reply(verb, Reply.of(250, "2.0.0", "Ok: queued as " + queued));
        } catch (SlotUnavailableException e) {
            s.conn.metrics().delivery("tempfail");
            s.refuse(verb, Reply.of(451, "4.3.0", "Mailbox temporarily unavailable, try again later"), "unavailable", false);
        } catch (StoreException e) {
            s.conn.metrics().delivery("tempfail");
            s.refuse(verb, switch (e.reason()) {
                case OVER_QUOTA -> Reply.of(452, "4.2.2", "Your mailbox is full: the copy in Sent does not fit; nothing was sent");
                case INVALID -> Reply.of(553, "5.1.3", "Bad address: " + e.getMessage());
                default -> Reply.of(451, "4.3.0", "Temporary failure, try again later");
            }, "queue", false);
        }
    }

    /** The refusal when the From field does not belong to {@code user}, or null when every author address does. */
    private static Reply authorRefusal(SmtpSession s, Account user, MessageContent content) throws IOException {
        // no From at all names no one else (an MSA may add one, RFC 6409 8.1): only a From must be the user's
        List<HeaderFields.Field> from = HeaderFields.read(content).stream().filter(f -> f.is("From")).toList();
        for (HeaderFields.Field field : from) {
            List<Mailbox> authors = LenientAddressParser.DEFAULT.parseAddressList(field.value()).flatten();
            if (authors.isEmpty()) {
                return Reply.of(553, "5.7.1", "From names no address");
            }
            for (Mailbox m : authors) {
                if (s.policy.sender(user, m.getAddress()) instanceof EnvelopePolicy.Decision.Refuse no) {
                    return no.reply().code() == 451 ? no.reply() : Reply.of(553, "5.7.1", "From <"
                            + EnvelopePolicy.printable(m.getAddress()) + "> is not an address of " + user.address());
                }
            }
        }
        return null;
    }
}
