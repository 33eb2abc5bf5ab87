package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.parse.ImapRequest;
import org.mailslot.protocols.imap.session.SelectedMailbox;
import org.mailslot.store.MessageFlags;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * EXPUNGE and UID EXPUNGE (RFC 9051 6.4.3, 6.4.9): removes the messages marked \Deleted (within the UID set), then
 * the tagged OK's refresh announces them, together with any other session's expunges.
 */
public final class ExpungeCommand {
    private ExpungeCommand() {}

    public static void run(ImapSession s, ImapRequest.Expunge r) throws IOException {
        SelectedMailbox sel = s.selected();
        if (!MessageSets.writable(s, r.tag())) {
            return;
        }
        if (r.uidSet() != null && r.uidSet().saved()) {
            // "$": the SEARCHRES result
            expunge(s, deleted(s, MessageSets.list(s.savedSearch())));
        } else {
            List<Long> targets = deleted(s, null);
            if (r.uidSet() != null) {
                long max = sel.lastUid();
                targets.removeIf(uid -> !r.uidSet().contains(uid, max));
            }
            expunge(s, targets);
        }
        s.ok(r.tag(), null, "EXPUNGE completed");
    }

    /** The \Deleted messages of the mailbox, optionally only among {@code within}. */
    static List<Long> deleted(ImapSession s, List<Long> within) {
        List<Long> out = new ArrayList<>();
        for (MessageFlags m : s.store().flagsAndUids(s.selected().mailboxId())) {
            if (m.flags().contains("\\Deleted") && (within == null || within.contains(m.uid()))) {
                out.add(m.uid());
            }
        }
        return out;
    }

    static void expunge(ImapSession s, List<Long> uids) {
        if (!uids.isEmpty()) {
            s.store().expunge(s.selected().mailboxId(), uids);
            s.selected().changedHere();
        }
    }
}
