package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.response.SequenceSets;
import org.mailslot.protocols.imap.parse.ImapRequest;
import org.mailslot.protocols.imap.session.SelectedMailbox;
import org.mailslot.store.FlagOp;
import org.mailslot.store.MessageMeta;
import org.mailslot.store.StoreFlagsResult;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * STORE and UID STORE (RFC 9051 6.4.6) with UNCHANGEDSINCE (RFC 7162 3.1.3): one atomic store call. The client
 * is answered with the flags after the change (unless .SILENT); with CONDSTORE on, every message this STORE changed
 * is reported with its new MODSEQ even when .SILENT (RFC 7162 3.1.3), and those that failed UNCHANGEDSINCE are
 * listed in {@code [MODIFIED]}. Expunged messages in the set are skipped.
 */
public final class StoreCommand {
    private StoreCommand() {}

    public static void run(ImapSession s, ImapRequest.Store r) throws IOException {
        SelectedMailbox sel = s.selected();
        long[] uids = MessageSets.resolveOrBad(s, r.tag(), r.set(), r.uid());
        if (uids == null) {
            return;
        }
        if (!MessageSets.writable(s, r.tag())) {
            return;
        }
        if (r.unchangedSince() >= 0) {
            s.enableCondStore();
        }
        FlagOp op = switch (r.mode()) {
            case ADD -> FlagOp.ADD;
            case REMOVE -> FlagOp.REMOVE;
            case REPLACE -> FlagOp.REPLACE;
        };
        StoreFlagsResult result;
        List<Long> asked = MessageSets.list(uids);
        if (r.unchangedSince() == 0) {
            // RFC 7162 3.1.3: every existing message has a modseq above 0, so every one fails
            List<Long> failed = new ArrayList<>();
            for (long uid : uids) {
                if (s.store().message(sel.mailboxId(), uid).isPresent()) {
                    failed.add(uid);
                }
            }
            result = new StoreFlagsResult(List.of(), failed, 0);
        } else {
            result = s.store().storeFlags(sel.mailboxId(), asked, op, new HashSet<>(r.flags()),
                    r.unchangedSince() < 0 ? -1 : r.unchangedSince());
            sel.changedHere();
        }
        for (MessageMeta m : result.messages()) {
            int seq = sel.seq(m.uid());
            if (seq == 0) {
                continue;
            }
            boolean changed = result.modSeq() != 0 && m.modSeq() == result.modSeq();
            long uid = r.uid() || s.qresync() ? m.uid() : -1;
            if (!r.silent()) {
                s.out().fetchFlags(seq, uid, m.flags(), s.condStore() ? m.modSeq() : -1);
            } else if (s.condStore() && changed) {
                s.out().fetchFlags(seq, uid, null, m.modSeq());
            }
            sel.told(m.uid(), m.flags(), m.modSeq());
        }
        if (!result.failed().isEmpty()) {
            long[] failed;
            if (r.uid()) {
                failed = result.failed().stream().mapToLong(Long::longValue).toArray();
            } else {
                failed = result.failed().stream().mapToLong(u -> sel.seq(u)).filter(n -> n > 0).sorted().toArray();
            }
            s.ok(r.tag(), "MODIFIED " + SequenceSets.compact(failed), "Conditional STORE failed for some messages");
            return;
        }
        s.ok(r.tag(), null, "STORE completed");
    }
}
