package org.mailslot.protocols.smtp;

import org.mailslot.protocols.smtp.SmtpCommand.Verb;

import java.io.IOException;

/** MAIL FROM (RFC 5321 4.1.1.2): starts a transaction after the state, size and (submission) sender checks. */
final class MailCommand {

    void handle(SmtpSession s, SmtpCommand.Mail m) throws IOException {
        if (!s.requireHello(Verb.MAIL)) {
            return;
        }
        if (s.txn != null) {
            s.refuse(Verb.MAIL, Reply.of(503, "5.5.1", "Nested MAIL command"), "state");
            return;
        }
        if (s.mode == SmtpMode.SUBMISSION && s.user == null) {
            s.refuse(Verb.MAIL, Reply.of(530, "5.7.0", "Authentication required"), "auth");
            return;
        }
        boolean hasParams = m.declaredSize() >= 0 || m.body() != SmtpCommand.Body.UNSPECIFIED || m.smtputf8();
        if (hasParams && !s.extended) {
            s.refuse(Verb.MAIL, Reply.of(555, "5.5.4", "MAIL parameters need EHLO"), "syntax");
            return;
        }
        if (m.declaredSize() > s.settings.messageSizeLimit()) {
            s.refuse(Verb.MAIL, Reply.of(552, "5.3.4", "Message size exceeds fixed limit of "
                    + s.settings.messageSizeLimit() + " octets"), "limit", false);
            return;
        }
        if (s.mode == SmtpMode.SUBMISSION) {
            EnvelopePolicy.Decision d = s.policy.sender(s.user, m.sender());
            if (d instanceof EnvelopePolicy.Decision.Refuse r) {
                s.refuse(Verb.MAIL, r.reply(), r.kind());
                return;
            }
        }
        s.beginTransaction(m);
        s.reply(Verb.MAIL, Reply.of(250, "2.1.0", "Ok"));
    }
}
