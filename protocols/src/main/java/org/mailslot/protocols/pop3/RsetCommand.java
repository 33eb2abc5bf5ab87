package org.mailslot.protocols.pop3;

import java.io.IOException;

/** RSET (RFC 1939 section 5): unmarks every message marked deleted in this session. */
final class RsetCommand {
    private RsetCommand() {
    }

    static void run(Pop3Session s, Pop3Command.Rset c) throws IOException {
        s.maildrop().undeleteAll();
        s.ok(s.maildrop().visibleCount() + " messages (" + s.maildrop().visibleOctets() + " octets)");
    }
}
