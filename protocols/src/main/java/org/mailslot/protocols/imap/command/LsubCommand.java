package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.parse.ImapRequest;
import org.mailslot.store.Mailbox;

import java.io.IOException;
import java.util.List;

/** LSUB (RFC 3501 6.3.9; deprecated in IMAP4rev2 but still answered): subscribed mailboxes matching the pattern. */
public final class LsubCommand {
    private LsubCommand() {}

    public static void run(ImapSession s, ImapRequest.Lsub r) throws IOException {
        if (r.pattern().isEmpty()) {
            s.out().start().atom("LSUB").flags(List.of("\\Noselect")).string("/").string("").end();
            s.ok(r.tag(), null, "LSUB completed");
            return;
        }
        List<Mailbox> all = s.store().mailboxes(s.account().id());
        for (Mailbox m : all) {
            if (m.subscribed() && MailboxAttributes.matches(r.reference() + r.pattern(), m.name())) {
                String use = MailboxAttributes.specialUse(m.specialUse());
                s.out().start().atom("LSUB").flags(use == null ? List.of() : List.of(use)).string("/").mailbox(m.name()).end();
            }
        }
        s.ok(r.tag(), null, "LSUB completed");
    }
}
