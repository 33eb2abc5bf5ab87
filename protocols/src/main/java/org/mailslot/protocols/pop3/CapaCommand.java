package org.mailslot.protocols.pop3;

import java.io.IOException;

/**
 * CAPA (RFC 2449 section 5). USER and SASL PLAIN are listed only where a password may be sent (as Dovecot
 * does), STLS only before TLS and where a certificate is configured; login capabilities only before login.
 */
final class CapaCommand {
    private CapaCommand() {
    }

    static void run(Pop3Session s, Pop3Command.Capa c) throws IOException {
        s.ok("Capability list follows");
        s.line("TOP");
        s.line("UIDL");
        s.line("RESP-CODES");
        s.line("PIPELINING");
        s.line("AUTH-RESP-CODE");
        if (s.state() == Pop3State.AUTHORIZATION) {
            if (s.mayAuthenticate()) {
                s.line("USER");
                s.line("SASL " + AuthCommand.PLAIN);
            }
            if (s.connection().canStartTls()) {
                s.line("STLS");
            }
        }
        s.line("EXPIRE NEVER");
        s.line("IMPLEMENTATION mailslot");
        s.endMultiline();
    }
}
