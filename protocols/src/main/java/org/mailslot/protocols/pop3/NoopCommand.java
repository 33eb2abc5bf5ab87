package org.mailslot.protocols.pop3;

import java.io.IOException;

/** NOOP (RFC 1939 section 5). */
final class NoopCommand {
    private NoopCommand() {
    }

    static void run(Pop3Session s, Pop3Command.Noop c) throws IOException {
        s.ok("");
    }
}
