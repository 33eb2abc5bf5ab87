package org.mailslot.protocols.pop3;

import java.io.IOException;

/** UIDL [msg] (RFC 1939 section 7): the unique id of one message, or of every message not marked deleted. */
final class UidlCommand {
    private UidlCommand() {
    }

    static void run(Pop3Session s, Pop3Command.Uidl c) throws IOException {
        Maildrop drop = s.maildrop();
        if (c.message() != null) {
            int n = c.message();
            if (s.checkMessage(Pop3Verb.UIDL, n)) {
                s.ok(n + " " + drop.uniqueId(n));
            }
            return;
        }
        s.ok("Unique-id listing follows");
        for (int n = 1; n <= drop.size(); n++) {
            if (!drop.isDeleted(n)) {
                s.line(n + " " + drop.uniqueId(n));
            }
        }
        s.endMultiline();
    }
}
