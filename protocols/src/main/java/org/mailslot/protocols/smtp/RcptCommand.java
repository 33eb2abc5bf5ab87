package org.mailslot.protocols.smtp;

import org.mailslot.protocols.smtp.SmtpCommand.Verb;

import java.io.IOException;

/** RCPT TO (RFC 5321 4.1.1.3): the recipient limit, then {@link EnvelopePolicy} decides. */
final class RcptCommand {

    void handle(SmtpSession s, SmtpCommand.Rcpt r) throws IOException {
        Transaction t = s.txn;
        if (t == null) {
            s.refuse(Verb.RCPT, Reply.of(503, "5.5.1", "Need MAIL command"), "state");
            return;
        }
        if (t.chunking()) {
            s.refuse(Verb.RCPT, Reply.of(503, "5.5.1", "RCPT not allowed after BDAT"), "state");
            return;
        }
        if (!t.mail.smtputf8() && !CommandParser.isAscii(r.recipient())) {
            s.refuse(Verb.RCPT, Reply.of(553, "5.6.7", "Non-ASCII address needs the SMTPUTF8 parameter on MAIL"), "syntax");
            return;
        }
        if (t.recipients.size() >= s.settings.recipientLimit()) {
            s.refuse(Verb.RCPT, Reply.of(452, "4.5.3", "Too many recipients"), "limit");
            return;
        }
        switch (s.policy.recipient(r.recipient(), t.mail.declaredSize())) {
            case EnvelopePolicy.Decision.Accept a -> {
                t.recipients.add(a.recipient());
                s.reply(Verb.RCPT, Reply.of(250, "2.1.5", "Ok"));
            }
            case EnvelopePolicy.Decision.Refuse no -> s.refuse(Verb.RCPT, no.reply(), no.kind());
        }
    }
}
