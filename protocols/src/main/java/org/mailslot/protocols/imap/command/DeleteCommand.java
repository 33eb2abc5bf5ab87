package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.response.ResponseStatus;
import org.mailslot.protocols.imap.parse.ImapRequest;
import org.mailslot.store.Mailbox;
import org.mailslot.store.SpecialUse;

import java.io.IOException;
import java.util.Optional;

/**
 * DELETE (RFC 9051 6.3.5). INBOX and special-use mailboxes are refused with a NO that says why (a client's
 * "delete folder" should never silently take Sent or Trash); their messages stay restorable by the admin anyway.
 */
public final class DeleteCommand {
    private DeleteCommand() {}

    public static void run(ImapSession s, ImapRequest.Delete r) throws IOException {
        String name = MailboxAttributes.clean(r.mailbox());
        Optional<Mailbox> found = s.store().mailbox(s.account().id(), name);
        if (found.isEmpty()) {
            s.no(r.tag(), "NONEXISTENT", "Mailbox does not exist", "not-found");
            return;
        }
        Mailbox mb = found.get();
        if (mb.specialUse() != SpecialUse.NONE) {
            s.no(r.tag(), "CANNOT", (mb.specialUse() == SpecialUse.INBOX ? "INBOX" : "A special-use mailbox ("
                    + MailboxAttributes.specialUse(mb.specialUse()) + ")") + " cannot be deleted", "special-use");
            return;
        }
        if (s.selected() != null && s.selected().mailboxId() == mb.id()) {
            s.select(null);
            s.out().untagged(ResponseStatus.OK, "CLOSED", "Mailbox closed");
        }
        s.store().deleteMailbox(s.account().id(), name);
        s.ok(r.tag(), null, "DELETE completed");
    }
}
