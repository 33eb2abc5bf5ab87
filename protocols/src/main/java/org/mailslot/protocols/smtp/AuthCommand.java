package org.mailslot.protocols.smtp;

import org.mailslot.core.net.Line;
import org.mailslot.directory.Account;
import org.mailslot.directory.DirectoryException;
import org.mailslot.protocols.LoginHandoff;
import org.mailslot.protocols.SlotUnavailableException;
import org.mailslot.protocols.auth.SaslPlain;
import org.mailslot.protocols.smtp.SmtpCommand.Verb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * AUTH (RFC 4954) on submission: PLAIN (with or without an initial response, "=" for an empty one) and LOGIN,
 * only over TLS or where plaintext logins are allowed. "*" cancels (501); bad base64 gets 501 5.5.2; wrong
 * credentials 535 5.7.8 after the throttle's delay; after max-auth-failures the session ends with 421.
 */
final class AuthCommand {
    private static final String USERNAME = Base64.getEncoder().encodeToString("Username:".getBytes(StandardCharsets.US_ASCII));
    private static final String PASSWORD = Base64.getEncoder().encodeToString("Password:".getBytes(StandardCharsets.US_ASCII));

    /** The client's answer to a challenge: text, or a reply already decided (cancel, too long, gone). */
    private record Answer(String text, Reply refusal, boolean gone) {}

    void handle(SmtpSession s, SmtpCommand.Auth a) throws IOException {
        if (s.mode != SmtpMode.SUBMISSION) {
            s.refuse(Verb.AUTH, Reply.of(503, "5.5.1", "Authentication is not available on this service"), "state");
            return;
        }
        if (!s.requireHello(Verb.AUTH)) {
            return;
        }
        if (s.user != null) {
            s.refuse(Verb.AUTH, Reply.of(503, "5.5.1", "Already authenticated"), "state");
            return;
        }
        if (s.txn != null) {
            s.refuse(Verb.AUTH, Reply.of(503, "5.5.1", "AUTH not allowed during a mail transaction"), "state");
            return;
        }
        if (!s.ctx.authenticator().mayAuthenticate(s.conn)
                && !("PLAIN".equals(a.mechanism()) && SaslPlain.isProxyLogin(a.initialResponse()))) {
            s.refuse(Verb.AUTH, Reply.of(538, "5.7.11", "Encryption required: use STARTTLS first"), "auth");
            return;
        }
        switch (a.mechanism()) {
            case "PLAIN" -> plain(s, a.initialResponse());
            case "LOGIN" -> login(s, a.initialResponse());
            default -> s.refuse(Verb.AUTH, Reply.of(504, "5.5.4", "Unrecognized authentication type (use PLAIN or LOGIN)"), "auth");
        }
    }

    private void plain(SmtpSession s, String initial) throws IOException {
        Answer answer = initial != null ? new Answer(initial, null, false) : challenge(s, "");
        if (answer.text() == null) {
            finishUnanswered(s, answer);
            return;
        }
        Optional<SaslPlain> plain = SaslPlain.decode(answer.text());
        if (plain.isEmpty()) {
            s.refuse(Verb.AUTH, Reply.of(501, "5.5.2", "Invalid PLAIN response (base64 of authzid NUL user NUL password)"), "auth");
            return;
        }
        check(s, plain.get());
    }

    private void login(SmtpSession s, String initial) throws IOException {
        Answer user = initial != null ? new Answer(initial, null, false) : challenge(s, USERNAME);
        if (user.text() == null) {
            finishUnanswered(s, user);
            return;
        }
        String name = decode(user.text());
        if (name == null || name.isEmpty()) {
            s.refuse(Verb.AUTH, Reply.of(501, "5.5.2", "Invalid base64 user name"), "auth");
            return;
        }
        Answer pass = challenge(s, PASSWORD);
        if (pass.text() == null) {
            finishUnanswered(s, pass);
            return;
        }
        String password = decode(pass.text());
        if (password == null) {
            s.refuse(Verb.AUTH, Reply.of(501, "5.5.2", "Invalid base64 password"), "auth");
            return;
        }
        check(s, new SaslPlain("", name, password.toCharArray()));
    }

    private void check(SmtpSession s, SaslPlain credentials) throws IOException {
        Optional<Account> account;
        try {
            account = s.ctx.authenticator().authenticate(s.conn, credentials);
        } catch (DirectoryException e) {
            s.refuse(Verb.AUTH, Reply.of(454, "4.7.0", "Temporary authentication failure, try again later"), "unavailable");
            return;
        }
        if (account.isPresent() && s.ctx.handoff() != null) {
            handOff(s, account.get());
            return;
        }
        if (account.isPresent()) {
            s.user = account.get();
            s.reply(Verb.AUTH, Reply.of(235, "2.7.0", "Authentication successful"));
            return;
        }
        if (++s.authFailures >= s.settings.net().maxAuthFailures()) {
            s.refuse(Verb.AUTH, Reply.of(421, "4.7.0", s.hostname + " Too many failed logins, closing connection"), "auth");
            s.close();
            return;
        }
        s.refuse(Verb.AUTH, Reply.of(535, "5.7.8", "Authentication credentials invalid"), "auth");
    }

    /**
     * On a front: logs in at the master of the account's slot (which then checks senders, writes Sent and the
     * outbound queue), answers with its 235 and relays the rest of the session to it.
     */
    private void handOff(SmtpSession s, Account account) throws IOException {
        LoginHandoff.Backend backend;
        try {
            backend = s.ctx.handoff().open(LoginHandoff.Protocol.SUBMISSION, account, s.conn);
        } catch (SlotUnavailableException e) {
            s.refuse(Verb.AUTH, Reply.of(454, "4.7.0", "Temporary authentication failure, try again later"), "unavailable");
            return;
        }
        s.close();
        try (backend) {
            s.conn.writeLine(backend.loginReply());
            s.conn.flush();
            backend.relay(s.conn);
        }
    }

    private void finishUnanswered(SmtpSession s, Answer a) throws IOException {
        if (a.gone()) {
            s.close();
        } else {
            s.refuse(Verb.AUTH, a.refusal(), "auth");
        }
    }

    private Answer challenge(SmtpSession s, String text) throws IOException {
        s.conn.writeLine("334 " + text);
        s.conn.flush();
        Line line = s.conn.readLine();
        if (line == null || line.ending() == Line.Ending.EOF) {
            return new Answer(null, null, true);
        }
        if (line.ending() == Line.Ending.NONE) {
            if (!s.conn.skipLine()) {
                return new Answer(null, null, true);
            }
            return new Answer(null, Reply.of(500, "5.5.6", "Authentication exchange line is too long"), false);
        }
        String text1 = new String(line.bytes(), StandardCharsets.US_ASCII).strip();
        if (text1.equals("*")) {
            return new Answer(null, Reply.of(501, "5.7.0", "Authentication cancelled"), false);
        }
        return new Answer(text1, null, false);
    }

    private static String decode(String base64) {
        if (base64.equals("=")) {
            return "";
        }
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
