package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.parse.ImapRequest;
import org.mailslot.store.Mailbox;

import java.io.IOException;
import java.util.Optional;

/** RENAME (RFC 9051 6.3.6): inferiors move along; renaming INBOX moves its messages and leaves it empty. */
public final class RenameCommand {
    private RenameCommand() {}

    public static void run(ImapSession s, ImapRequest.Rename r) throws IOException {
        String from = MailboxAttributes.clean(r.from());
        String to = MailboxAttributes.clean(r.to());
        Optional<Mailbox> source = s.store().mailbox(s.account().id(), from);
        if (source.isEmpty()) {
            s.no(r.tag(), "NONEXISTENT", "Mailbox does not exist", "not-found");
            return;
        }
        if (s.store().mailbox(s.account().id(), to).isPresent()) {
            s.no(r.tag(), "ALREADYEXISTS", "Target mailbox already exists", "exists");
            return;
        }
        s.store().renameMailbox(s.account().id(), from, to);
        if (s.selected() != null && s.selected().mailboxId() == source.get().id() && !from.equals("INBOX")) {
            s.selected().renamed(to);
        }
        s.ok(r.tag(), null, "RENAME completed");
    }
}
