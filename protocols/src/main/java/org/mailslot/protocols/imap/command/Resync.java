package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.parse.ImapRequest;
import org.mailslot.protocols.imap.parse.SequenceSet;
import org.mailslot.protocols.imap.session.SelectedMailbox;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * QRESYNC resynchronization (RFC 7162 3.2.5, 3.2.6): what changed and what vanished since a client's mod-sequence.
 * Changes come from the session's fresh view (so they agree with its HIGHESTMODSEQ), expunges from the store's
 * expunged-modseq history: exact while the expunged rows are kept, and after they are purged every UID given out
 * and not visible, so a client never keeps a message that is gone. The sequence-match data of
 * SELECT is not needed for that and is ignored (the RFC allows it).
 */
final class Resync {
    private Resync() {}

    /** After SELECT/EXAMINE with QRESYNC and a matching UIDVALIDITY: FETCH for changed messages, then VANISHED (EARLIER). */
    static void send(ImapSession s, SelectedMailbox sel, ImapRequest.QResync q) throws IOException {
        long highestUid = highestUid(s, sel);
        SequenceSet known = q.knownUids();
        for (int seq = 1; seq <= sel.count(); seq++) {
            long uid = sel.uid(seq);
            if (sel.modSeq(seq) > q.modSeq() && (known == null || known.contains(uid, highestUid))) {
                s.out().fetchFlags(seq, uid, sel.flags(seq), sel.modSeq(seq));
            }
        }
        vanishedEarlier(s, sel, q.modSeq(), known, highestUid);
    }

    /**
     * "VANISHED (EARLIER) uids" for the messages expunged after {@code modSeq} (within {@code within}, when given)
     * that this session's view no longer holds; nothing when there are none. A message still in the view (expunged
     * by another session, not yet announced) is left for the next VANISHED, so the view and the client agree.
     */
    static void vanishedEarlier(ImapSession s, SelectedMailbox sel, long modSeq, SequenceSet within, long highestUid)
            throws IOException {
        List<Long> gone = new ArrayList<>();
        for (long uid : s.store().expungedSince(sel.mailboxId(), modSeq)) {
            if (sel.seq(uid) == 0 && (within == null || within.contains(uid, highestUid))) {
                gone.add(uid);
            }
        }
        if (!gone.isEmpty()) {
            s.out().vanished(true, MessageSets.array(gone));
        }
    }

    /** The largest UID ever given in the mailbox, which "*" stands for in a UID set about expunged messages. */
    static long highestUid(ImapSession s, SelectedMailbox sel) {
        return Math.max(sel.lastUid(), s.store().status(sel.mailboxId()).mailbox().uidNext() - 1);
    }
}
