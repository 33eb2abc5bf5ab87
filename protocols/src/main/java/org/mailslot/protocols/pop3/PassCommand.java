package org.mailslot.protocols.pop3;

import org.mailslot.protocols.auth.SaslPlain;

import java.io.IOException;

/** PASS password (RFC 1939 section 7): logs in the user named by the USER just before. */
final class PassCommand {
    private PassCommand() {
    }

    static void run(Pop3Session s, Pop3Command.Pass c) throws IOException {
        if (!s.mayAuthenticate()) {
            s.refuse(Pop3Verb.PASS, "plaintext", RespCode.AUTH, Pop3Session.PLAINTEXT_REFUSED);
            return;
        }
        String user = s.pendingUser();
        if (user == null) {
            s.bad(Pop3Verb.PASS, "PASS", "No user name: send USER first", "state");
            return;
        }
        s.login(Pop3Verb.PASS, new SaslPlain("", user, c.password().toCharArray()));
    }
}
