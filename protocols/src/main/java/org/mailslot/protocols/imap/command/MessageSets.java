package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.parse.SequenceSet;
import org.mailslot.protocols.imap.session.SelectedMailbox;
import org.mailslot.store.MessageMeta;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Turns the client's sequence sets into the UIDs of the session's view, and loads the messages behind them. */
final class MessageSets {
    /** Above this many UIDs one query for the whole mailbox beats one query per message. */
    private static final int BULK = 32;

    private MessageSets() {}

    /** A sequence set named a message number the view does not have. */
    static final class InvalidSet extends Exception {
        InvalidSet(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The UIDs the set names, in sequence order. Message numbers above the count are an error (RFC 9051 6.4.5 asks
     * for BAD); UIDs that do not exist are skipped, as the RFC says. "$" is the saved SEARCHRES result.
     */
    static long[] resolve(ImapSession s, SequenceSet set, boolean uid) throws InvalidSet {
        SelectedMailbox sel = s.selected();
        if (set.saved()) {
            long[] saved = s.savedSearch();
            List<Long> out = new ArrayList<>(saved.length);
            for (long u : saved) {
                if (sel.seq(u) > 0) {
                    out.add(u);
                }
            }
            return out.stream().mapToLong(Long::longValue).toArray();
        }
        if (uid) {
            return set.select(sel.uidArray());
        }
        int count = sel.count();
        for (SequenceSet.Range r : set.ranges()) {
            if ((r.from() != SequenceSet.STAR && r.from() > count) || (r.to() != SequenceSet.STAR && r.to() > count)) {
                throw new InvalidSet(count == 0 ? "No messages in the mailbox" : "Invalid message number (the mailbox has " + count + ")");
            }
        }
        if (count == 0) {
            throw new InvalidSet("No messages in the mailbox");
        }
        long[] seqs = set.select(sel.seqArray());
        long[] uids = new long[seqs.length];
        for (int i = 0; i < seqs.length; i++) {
            uids[i] = sel.uid((int) seqs[i]);
        }
        return uids;
    }

    /** {@link #resolve}, answering BAD for an invalid set: null then, and the command ends. */
    static long[] resolveOrBad(ImapSession s, String tag, SequenceSet set, boolean uid) throws java.io.IOException {
        try {
            return resolve(s, set, uid);
        } catch (InvalidSet e) {
            s.bad(tag, e.getMessage());
            return null;
        }
    }

    /** Whether the selected mailbox may be changed; answers NO [READ-ONLY] when it was opened with EXAMINE. */
    static boolean writable(ImapSession s, String tag) throws java.io.IOException {
        if (s.selected().readOnly()) {
            s.no(tag, "READ-ONLY", "The mailbox is read-only (EXAMINE)", "read-only");
            return false;
        }
        return true;
    }

    /** The visible messages among {@code uids}, by uid; expunged ones are absent. */
    static Map<Long, MessageMeta> load(ImapSession s, long[] uids) {
        long mailboxId = s.selected().mailboxId();
        Map<Long, MessageMeta> out = new HashMap<>(Math.max(16, uids.length * 2));
        if (uids.length > BULK) {
            long min = Long.MAX_VALUE;
            long max = 0;
            for (long uid : uids) {
                min = Math.min(min, uid);
                max = Math.max(max, uid);
            }
            for (MessageMeta m : s.store().messages(mailboxId, min, max)) {
                out.put(m.uid(), m);
            }
            return out;
        }
        for (long uid : uids) {
            s.store().message(mailboxId, uid).ifPresent(m -> out.put(uid, m));
        }
        return out;
    }

    static long[] array(List<Long> numbers) {
        return numbers.stream().mapToLong(Long::longValue).toArray();
    }

    static List<Long> list(long[] uids) {
        List<Long> l = new ArrayList<>(uids.length);
        for (long u : uids) {
            l.add(u);
        }
        return l;
    }
}
