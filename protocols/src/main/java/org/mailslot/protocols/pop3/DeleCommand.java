package org.mailslot.protocols.pop3;

import java.io.IOException;

/** DELE msg (RFC 1939 section 5): marks a message deleted; it is removed only at QUIT. */
final class DeleCommand {
    private DeleCommand() {
    }

    static void run(Pop3Session s, Pop3Command.Dele c) throws IOException {
        if (s.checkMessage(Pop3Verb.DELE, c.message())) {
            s.maildrop().delete(c.message());
            s.ok("Message " + c.message() + " deleted");
        }
    }
}
