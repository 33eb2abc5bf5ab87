package org.mailslot.protocols.pop3;

import java.io.IOException;

/** LIST [msg] (RFC 1939 section 5): the size of one message, or of every message not marked deleted. */
final class ListCommand {
    private ListCommand() {
    }

    static void run(Pop3Session s, Pop3Command.List c) throws IOException {
        Maildrop drop = s.maildrop();
        if (c.message() != null) {
            int n = c.message();
            if (s.checkMessage(Pop3Verb.LIST, n)) {
                s.ok(n + " " + drop.entry(n).size());
            }
            return;
        }
        s.ok(drop.visibleCount() + " messages (" + drop.visibleOctets() + " octets)");
        for (int n = 1; n <= drop.size(); n++) {
            if (!drop.isDeleted(n)) {
                s.line(n + " " + drop.entry(n).size());
            }
        }
        s.endMultiline();
    }
}
