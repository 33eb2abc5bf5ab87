package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.parse.ImapRequest;
import org.mailslot.store.SpecialUse;

import java.io.IOException;

/** CREATE (RFC 9051 6.3.4) with USE (RFC 6154 CREATE-SPECIAL-USE); missing parents are created too. */
public final class CreateCommand {
    private CreateCommand() {}

    public static void run(ImapSession s, ImapRequest.Create r) throws IOException {
        String name = MailboxAttributes.clean(r.mailbox());
        if (name.equalsIgnoreCase("INBOX")) {
            s.no(r.tag(), "ALREADYEXISTS", "INBOX always exists", "exists");
            return;
        }
        SpecialUse use = SpecialUse.NONE;
        if (r.specialUse().size() > 1) {
            s.no(r.tag(), "USEATTR", "A mailbox has at most one special use here", "special-use");
            return;
        }
        if (!r.specialUse().isEmpty()) {
            use = MailboxAttributes.parse(r.specialUse().getFirst());
            if (use == null) {
                s.no(r.tag(), "USEATTR", "Unsupported special use " + r.specialUse().getFirst(), "special-use");
                return;
            }
        }
        if (s.store().mailbox(s.account().id(), name).isPresent()) {
            s.no(r.tag(), "ALREADYEXISTS", "Mailbox already exists", "exists");
            return;
        }
        s.store().createMailbox(s.account().id(), name, use);
        s.ok(r.tag(), null, "CREATE completed");
    }
}
