package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.response.SequenceSets;
import org.mailslot.protocols.imap.parse.ImapRequest;
import org.mailslot.protocols.imap.session.SelectedMailbox;
import org.mailslot.store.AppendResult;
import org.mailslot.store.Mailbox;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * COPY and UID COPY (RFC 9051 6.4.7) with COPYUID (RFC 4315): all or nothing against the quota. The target is
 * looked up among the account's own mailboxes only.
 */
public final class CopyCommand {
    private CopyCommand() {}

    public static void run(ImapSession s, ImapRequest.Copy r) throws IOException {
        SelectedMailbox sel = s.selected();
        long[] uids = MessageSets.resolveOrBad(s, r.tag(), r.set(), r.uid());
        if (uids == null) {
            return;
        }
        Optional<Mailbox> target = target(s, r.tag(), r.mailbox());
        if (target.isEmpty()) {
            return;
        }
        List<Long> present = present(s, uids);
        if (present.isEmpty()) {
            s.ok(r.tag(), null, "No messages copied");
            return;
        }
        List<AppendResult> results = s.store().copy(sel.mailboxId(), present, target.get().id(), s.account().quotaBytes());
        if (target.get().id() == sel.mailboxId()) {
            sel.changedHere();
        }
        if (results.size() != present.size()) {
            s.no(r.tag(), "EXPUNGEISSUED", "Some of the messages no longer exist; the others were copied", "expunged");
            return;
        }
        List<Long> dst = new ArrayList<>();
        results.forEach(a -> dst.add(a.uid()));
        s.ok(r.tag(), "COPYUID " + results.getFirst().uidValidity() + " " + SequenceSets.compact(MessageSets.array(present))
                + " " + SequenceSets.compact(MessageSets.array(dst)), "COPY completed");
    }

    /** The target mailbox of COPY/MOVE, or empty after answering NO [TRYCREATE]. */
    static Optional<Mailbox> target(ImapSession s, String tag, String name) throws IOException {
        Optional<Mailbox> target = s.store().mailbox(s.account().id(), name);
        if (target.isEmpty()) {
            s.no(tag, "TRYCREATE", "Target mailbox does not exist", "not-found");
        }
        return target;
    }

    /** The uids that the view has and that no one has expunged as far as the session knows, ascending. */
    static List<Long> present(ImapSession s, long[] uids) {
        List<Long> out = new ArrayList<>(uids.length);
        for (long uid : uids) {
            if (!s.selected().expungePending(uid)) {
                out.add(uid);
            }
        }
        out.sort(null);
        return out;
    }
}
