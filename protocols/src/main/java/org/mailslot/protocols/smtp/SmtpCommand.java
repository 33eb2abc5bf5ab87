package org.mailslot.protocols.smtp;

/** A parsed SMTP/LMTP command: the arguments only, checked for syntax but not yet for state or policy. */
sealed interface SmtpCommand {

    /** The verbs this engine knows; metrics and logs use these names, never raw client input. */
    enum Verb { HELO, EHLO, LHLO, MAIL, RCPT, DATA, BDAT, RSET, NOOP, QUIT, VRFY, HELP, STARTTLS, AUTH, EXPN, ETRN, TURN }

    Verb verb();

    /** HELO, EHLO or LHLO with the client's name for itself (first word only). */
    record Hello(Verb verb, String domain) implements SmtpCommand {}

    /**
     * MAIL FROM. {@code sender} is "" for the null reverse-path {@code <>}.
     *
     * @param declaredSize the SIZE= parameter (RFC 1870), or -1
     * @param smtputf8     the SMTPUTF8 parameter (RFC 6531) was given
     */
    record Mail(String sender, long declaredSize, Body body, boolean smtputf8) implements SmtpCommand {
        public Verb verb() {
            return Verb.MAIL;
        }
    }

    /** BODY= of MAIL FROM (RFC 6152); BINARYMIME is not offered. */
    enum Body { UNSPECIFIED, SEVEN_BIT, EIGHT_BIT_MIME }

    /** RCPT TO; {@code recipient} is "postmaster" (no domain) for {@code <Postmaster>} (RFC 5321 4.5.1). */
    record Rcpt(String recipient) implements SmtpCommand {
        public Verb verb() {
            return Verb.RCPT;
        }

        boolean bare() {
            return recipient.indexOf('@') < 0;
        }
    }

    /** BDAT (RFC 3030): a chunk of exactly {@code size} octets follows the command line. */
    record Bdat(long size, boolean last) implements SmtpCommand {
        public Verb verb() {
            return Verb.BDAT;
        }
    }

    /** AUTH (RFC 4954); {@code initialResponse} is null when absent and "" when sent as "=". */
    record Auth(String mechanism, String initialResponse) implements SmtpCommand {
        public Verb verb() {
            return Verb.AUTH;
        }
    }

    record Vrfy(String argument) implements SmtpCommand {
        public Verb verb() {
            return Verb.VRFY;
        }
    }

    /** Commands without arguments that matter: DATA, RSET, NOOP, QUIT, HELP, STARTTLS. */
    record Simple(Verb verb) implements SmtpCommand {}

    /** Verbs we recognise but do not offer (EXPN, ETRN, TURN): 502. */
    record NotImplemented(Verb verb) implements SmtpCommand {}
}
