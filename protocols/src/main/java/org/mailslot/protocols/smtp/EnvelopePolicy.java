package org.mailslot.protocols.smtp;

import org.mailslot.directory.Account;
import org.mailslot.directory.Addresses;
import org.mailslot.directory.DirectoryException;
import org.mailslot.protocols.ProtocolContext;
import org.mailslot.protocols.delivery.MailDrop;

import java.util.List;

/**
 * Who may send to whom (Postfix's smtpd_check): the recipient and sender rules of each mode, kept apart from the
 * dialogue. Answers with the reply to send; the session only counts and logs.
 *
 * <ul>
 * <li>MX: recipients in hosted domains only ("Relay access denied" otherwise, always); unknown users 550 5.1.1.</li>
 * <li>LMTP: recipients must be hosted accounts; anything else 550 5.1.1.</li>
 * <li>Submission: the sender must be the logged-in account or one of its aliases; any recipient goes to the outbound
 * queue, but an unknown user in a hosted domain is refused at once (550 5.1.1) rather than bounced later.</li>
 * <li>MX and LMTP: a recipient whose slot is unreachable gets 451 4.3.0, one whose account is full (or would be with
 * the declared SIZE) 452 4.2.2, so that a multi-recipient message is rarely refused after DATA.</li>
 * </ul>
 */
final class EnvelopePolicy {
    private final SmtpMode mode;
    private final ProtocolContext ctx;
    private final MailDrop drop;
    private final String hostname;

    EnvelopePolicy(SmtpMode mode, ProtocolContext ctx, MailDrop drop, String hostname) {
        this.mode = mode;
        this.ctx = ctx;
        this.drop = drop;
        this.hostname = hostname;
    }

    sealed interface Decision {
        record Accept(MailDrop.Recipient recipient) implements Decision {}

        /** {@code kind} is the metrics error kind: policy, unknown, relay, quota, unavailable, syntax. */
        record Refuse(Reply reply, String kind) implements Decision {}
    }

    Decision recipient(String raw, long declaredSize) {
        String address = raw.indexOf('@') < 0 ? postmaster() : raw;
        if (address == null) {
            return refuse(550, "5.1.1", "<" + raw + ">: Recipient address rejected: no postmaster here", "unknown");
        }
        try {
            String normalized;
            String domain;
            try {
                normalized = Addresses.normalize(address);
                domain = Addresses.domainOf(normalized);
            } catch (DirectoryException e) {
                if (e.reason() != DirectoryException.Reason.INVALID) {
                    throw e;
                }
                return mode == SmtpMode.MX && address.contains("@[")
                        ? refuse(554, "5.7.1", "<" + printable(raw) + ">: Relay access denied", "relay")
                        : refuse(501, "5.1.3", "Bad recipient address syntax", "syntax");
            }
            if (!ctx.directory().isHostedDomain(domain)) {
                return switch (mode) {
                    case MX -> refuse(554, "5.7.1", "<" + printable(raw) + ">: Relay access denied", "relay");
                    case LMTP -> refuse(550, "5.1.1", "<" + printable(raw) + ">: not a local mailbox", "unknown");
                    case SUBMISSION -> new Decision.Accept(MailDrop.Recipient.remote(normalized));
                };
            }
            List<Account> accounts = ctx.directory().resolveRecipient(normalized);
            if (accounts.isEmpty()) {
                return refuse(550, "5.1.1", "<" + printable(raw) + ">: Recipient address rejected: User unknown", "unknown");
            }
            if (mode == SmtpMode.SUBMISSION) {
                return new Decision.Accept(new MailDrop.Recipient(normalized, accounts)); // the queue retries
            }
            return switch (drop.precheck(accounts, Math.max(0, declaredSize))) {
                case MailDrop.Outcome.Delivered ok -> new Decision.Accept(new MailDrop.Recipient(raw, accounts));
                case MailDrop.Outcome.OverQuota q -> refuse(452, "4.2.2", "<" + printable(raw) + ">: Mailbox full, try again later", "quota");
                case MailDrop.Outcome.TemporaryFailure f -> refuse(451, "4.3.0", "<" + printable(raw) + ">: Mailbox temporarily unavailable, try again later", "unavailable");
            };
        } catch (DirectoryException e) {
            return refuse(451, "4.3.0", "Directory temporarily unavailable, try again later", "unavailable");
        }
    }

    /** Submission: whether the logged-in {@code user} may use {@code sender} as the envelope sender. */
    Decision sender(Account user, String sender) {
        if (sender.isEmpty()) {
            return refuse(553, "5.7.1", "<>: the null sender is for bounces, not for submission", "policy");
        }
        try {
            String normalized = Addresses.normalize(sender);
            if (normalized.equalsIgnoreCase(user.address())) {
                return null;
            }
            if (ctx.directory().isHostedDomain(Addresses.domainOf(normalized))) {
                List<Account> owners = ctx.directory().resolveRecipient(normalized);
                if (owners.stream().anyMatch(a -> a.id() == user.id())) {
                    return null;
                }
            }
            return refuse(553, "5.7.1", "<" + printable(sender) + ">: Sender address rejected: not owned by user " + user.address(), "policy");
        } catch (DirectoryException e) {
            return e.reason() == DirectoryException.Reason.INVALID
                    ? refuse(553, "5.7.1", "<" + printable(sender) + ">: Sender address rejected: not owned by user " + user.address(), "policy")
                    : refuse(451, "4.3.0", "Directory temporarily unavailable, try again later", "unavailable");
        }
    }

    /** RFC 5321 4.5.1: "postmaster" without a domain; ours is postmaster@ the hostname's (parent) domain. */
    private String postmaster() {
        String name = hostname.toLowerCase(java.util.Locale.ROOT);
        while (name.contains(".")) {
            if (ctx.directory().isHostedDomain(name)) {
                return "postmaster@" + name;
            }
            name = name.substring(name.indexOf('.') + 1);
        }
        return null;
    }

    private static Decision.Refuse refuse(int code, String enhanced, String text, String kind) {
        return new Decision.Refuse(Reply.of(code, enhanced, text), kind);
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 260));
        s.codePoints().limit(256).forEach(c -> b.appendCodePoint(c < 32 || c == 127 ? '?' : c));
        return b.toString();
    }
}
