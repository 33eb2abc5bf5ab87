package org.mailslot.protocols.pop3;

import java.io.IOException;

/** STAT (RFC 1939 section 5): messages not marked deleted, and their total size. */
final class StatCommand {
    private StatCommand() {
    }

    static void run(Pop3Session s, Pop3Command.Stat c) throws IOException {
        s.ok(s.maildrop().visibleCount() + " " + s.maildrop().visibleOctets());
    }
}
