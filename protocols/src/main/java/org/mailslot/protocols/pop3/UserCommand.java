package org.mailslot.protocols.pop3;

import java.io.IOException;

/** USER name (RFC 1939 section 7): remembers the name for PASS. Refused where plaintext passwords are not allowed. */
final class UserCommand {
    private UserCommand() {
    }

    static void run(Pop3Session s, Pop3Command.User c) throws IOException {
        if (!s.mayAuthenticate()) {
            s.refuse(Pop3Verb.USER, "plaintext", RespCode.AUTH, Pop3Session.PLAINTEXT_REFUSED);
            return;
        }
        s.pendingUser(c.name());
        s.ok("");
    }
}
