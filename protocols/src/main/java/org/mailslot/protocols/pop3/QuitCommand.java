package org.mailslot.protocols.pop3;

import java.io.IOException;

/** QUIT (RFC 1939 sections 5 and 6): before login just closes; after it, makes the deletions durable first. */
final class QuitCommand {
    private QuitCommand() {
    }

    static void run(Pop3Session s, Pop3Command.Quit c) throws IOException {
        if (s.state() == Pop3State.AUTHORIZATION) {
            s.ok("Logging out");
            s.close();
            return;
        }
        s.update();
    }
}
