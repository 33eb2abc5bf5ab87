package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.response.SequenceSets;
import org.mailslot.protocols.imap.response.ResponseStatus;
import org.mailslot.protocols.imap.parse.ImapRequest;
import org.mailslot.protocols.imap.session.SelectedMailbox;
import org.mailslot.store.Mailbox;
import org.mailslot.store.MoveResult;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * MOVE and UID MOVE (RFC 6851): one atomic store call; COPYUID in an untagged OK, then the EXPUNGEs (or VANISHED)
 * for the moved messages, sent by the tagged OK's refresh.
 */
public final class MoveCommand {
    private MoveCommand() {}

    public static void run(ImapSession s, ImapRequest.Move r) throws IOException {
        SelectedMailbox sel = s.selected();
        long[] uids = MessageSets.resolveOrBad(s, r.tag(), r.set(), r.uid());
        if (uids == null) {
            return;
        }
        if (!MessageSets.writable(s, r.tag())) {
            return;
        }
        Optional<Mailbox> target = CopyCommand.target(s, r.tag(), r.mailbox());
        if (target.isEmpty()) {
            return;
        }
        if (target.get().id() == sel.mailboxId()) {
            s.no(r.tag(), "CANNOT", "Source and target mailbox are the same", "same-mailbox");
            return;
        }
        List<Long> present = CopyCommand.present(s, uids);
        if (present.isEmpty()) {
            s.ok(r.tag(), null, "No messages moved");
            return;
        }
        List<MoveResult> results = s.store().move(sel.mailboxId(), present, target.get().id(), s.account().quotaBytes());
        sel.changedHere();
        if (!results.isEmpty()) {
            List<Long> src = new ArrayList<>();
            List<Long> dst = new ArrayList<>();
            for (MoveResult m : results) {
                src.add(m.sourceUid());
                dst.add(m.targetUid());
            }
            s.out().untagged(ResponseStatus.OK, "COPYUID " + results.getFirst().targetUidValidity() + " "
                    + SequenceSets.compact(MessageSets.array(src)) + " " + SequenceSets.compact(MessageSets.array(dst)), "Moved");
        }
        s.ok(r.tag(), null, "MOVE completed");
    }
}
