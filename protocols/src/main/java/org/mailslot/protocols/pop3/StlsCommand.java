package org.mailslot.protocols.pop3;

import java.io.IOException;

/** STLS (RFC 2595 section 4): upgrades the connection to TLS; anything the client said before is forgotten. */
final class StlsCommand {
    private StlsCommand() {
    }

    static void run(Pop3Session s, Pop3Command.Stls c) throws IOException {
        if (s.connection().isSecure()) {
            s.bad(Pop3Verb.STLS, "STLS", "TLS is already active", "state");
            return;
        }
        if (!s.connection().canStartTls()) {
            s.bad(Pop3Verb.STLS, "STLS", "TLS is not available", "state");
            return;
        }
        s.ok("Begin TLS negotiation");
        s.pendingUser(null);
        s.connection().startTls();
    }
}
