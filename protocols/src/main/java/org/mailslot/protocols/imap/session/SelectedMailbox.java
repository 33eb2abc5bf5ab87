package org.mailslot.protocols.imap.session;

import org.mailslot.store.Mailbox;
import org.mailslot.store.MailboxStatus;
import org.mailslot.store.MessageFlags;
import org.mailslot.store.MessageMeta;
import org.mailslot.store.SlotStore;
import org.mailslot.store.StoreException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One session's view of its selected mailbox: the sequence-number-to-UID map, the flags and modseq the client was
 * last told for each message, and the mailbox's HIGHESTMODSEQ up to which the view is current.
 *
 * <p>{@link #refresh} brings the view up to date from the store's change queries and returns the untagged
 * responses that tell the client: {@code n EXISTS} for new messages, {@code n FETCH (FLAGS ...)} for flag changes
 * the client has not seen (made by other sessions or deliveries), and {@code n EXPUNGE} (or {@code VANISHED} with
 * QRESYNC) for expunged messages. RFC 9051 7.5.1 forbids EXPUNGE while answering FETCH, STORE or SEARCH: those
 * commands refresh with {@code allowExpunge = false}, and expunged messages stay in the map as <em>pending</em>
 * (their numbers stay valid) until a command that may announce them. So EXISTS never decreases except by announced
 * EXPUNGEs, and sequence numbers never shift under the client.
 *
 * <p>Consistency: the view is current as of a HIGHESTMODSEQ read <em>before</em> the change queries; changes with
 * a higher modseq are left for the next refresh, which asks again from the same modseq (refresh is idempotent:
 * what the client already knows is not repeated). So every MODSEQ a client sees is covered by the expunges it was
 * told about, which keeps QRESYNC exact. A {@link MailboxWatcher} lets a refresh skip the store when nothing has
 * committed since. Owned by one session thread (IDLE hands it to its notifier thread and back); not thread-safe.
 */
public final class SelectedMailbox {
    private final SlotStore store;
    private final MailboxWatcher.StoreWatch watch;
    private final long mailboxId;
    private final long uidValidity;
    private final boolean readOnly;
    private String name;

    private long[] uids;
    private long[] modSeqs;
    private Object[] flags; // Set<String> per message, shared between messages where the store shares them
    private int size;
    private final TreeSet<Long> pendingExpunge = new TreeSet<>();
    private long knownModSeq;
    private boolean condStore;
    private boolean qresync;
    private boolean dirty;

    private SelectedMailbox(SlotStore store, MailboxWatcher.StoreWatch watch, Mailbox mailbox, boolean readOnly) {
        this.store = store;
        this.watch = watch;
        this.mailboxId = mailbox.id();
        this.uidValidity = mailbox.uidValidity();
        this.readOnly = readOnly;
        this.name = mailbox.name();
    }

    /**
     * Reads the mailbox's state: HIGHESTMODSEQ first, then every message, so a change that commits in between is
     * either in the map already or reported by the first refresh.
     */
    public static SelectedMailbox open(SlotStore store, MailboxWatcher watcher, Mailbox mailbox, boolean readOnly) {
        MailboxWatcher.StoreWatch watch = watcher.watch(store);
        SelectedMailbox s = new SelectedMailbox(store, watch, mailbox, readOnly);
        MailboxStatus status = store.status(mailbox.id());
        s.knownModSeq = status.mailbox().highestModSeq();
        List<MessageFlags> all = store.flagsAndUids(mailbox.id());
        int n = all.size();
        s.uids = new long[Math.max(16, n + n / 8)];
        s.modSeqs = new long[s.uids.length];
        s.flags = new Object[s.uids.length];
        for (MessageFlags m : all) {
            s.add(m.uid(), m.modSeq(), m.flags());
        }
        return s;
    }

    public long mailboxId() {
        return mailboxId;
    }

    public long uidValidity() {
        return uidValidity;
    }

    public boolean readOnly() {
        return readOnly;
    }

    public String name() {
        return name;
    }

    public void renamed(String newName) {
        this.name = newName;
    }

    public SlotStore store() {
        return store;
    }

    public MailboxWatcher.StoreWatch watch() {
        return watch;
    }

    /** Messages the client knows of (EXISTS), expunged-but-not-yet-announced ones included. */
    public int count() {
        return size;
    }

    /** The HIGHESTMODSEQ the view is current as of. */
    public long knownModSeq() {
        return knownModSeq;
    }

    public void condStore(boolean on) {
        condStore = on;
    }

    public boolean condStore() {
        return condStore;
    }

    public void qresync(boolean on) {
        qresync = on;
        if (on) {
            condStore = true;
        }
    }

    public long uid(int seq) {
        return uids[seq - 1];
    }

    /** The message number of a uid in this view, or 0. */
    public int seq(long uid) {
        int i = Arrays.binarySearch(uids, 0, size, uid);
        return i >= 0 ? i + 1 : 0;
    }

    @SuppressWarnings("unchecked")
    public Set<String> flags(int seq) {
        return (Set<String>) flags[seq - 1];
    }

    public long modSeq(int seq) {
        return modSeqs[seq - 1];
    }

    public long lastUid() {
        return size == 0 ? 0 : uids[size - 1];
    }

    /** The UIDs in sequence order (a copy). */
    public long[] uidArray() {
        return Arrays.copyOf(uids, size);
    }

    /** 1..count. */
    public long[] seqArray() {
        long[] a = new long[size];
        for (int i = 0; i < size; i++) {
            a[i] = i + 1;
        }
        return a;
    }

    public boolean expungePending(long uid) {
        return pendingExpunge.contains(uid);
    }

    /** This session wrote to the mailbox: the next refresh asks the store even if no listener call came yet. */
    public void changedHere() {
        dirty = true;
    }

    /** Records what a response of this session told the client about a message (its own FETCH or STORE). */
    public void told(long uid, Set<String> messageFlags, long modSeq) {
        int seq = seq(uid);
        if (seq > 0) {
            flags[seq - 1] = messageFlags;
            modSeqs[seq - 1] = modSeq;
        }
    }

    /**
     * Brings the view up to date and returns the untagged responses for the client in the order to send them.
     *
     * @param allowExpunge whether expunges may be announced now (false while answering FETCH, STORE, SEARCH)
     * @throws StoreException with {@link StoreException.Reason#NOT_FOUND} when the mailbox was deleted
     */
    public List<ViewUpdate> refresh(boolean allowExpunge) {
        List<ViewUpdate> out = new ArrayList<>();
        if (dirty || watch.highestModSeq(mailboxId) > knownModSeq) {
            dirty = false;
            catchUp(out);
        }
        if (allowExpunge && !pendingExpunge.isEmpty()) {
            announceExpunges(out);
        }
        return out;
    }

    private void catchUp(List<ViewUpdate> out) {
        long highest = store.status(mailboxId).mailbox().highestModSeq();
        if (highest <= knownModSeq) {
            return;
        }
        for (long uid : store.expungedSince(mailboxId, knownModSeq)) {
            if (seq(uid) > 0) {
                pendingExpunge.add(uid);
            }
        }
        int before = size;
        for (MessageMeta m : store.changedSince(mailboxId, knownModSeq)) {
            if (m.modSeq() > highest) {
                continue; // newer than the expunges just read: next time
            }
            int seq = seq(m.uid());
            if (seq > 0) {
                if (pendingExpunge.contains(m.uid())) {
                    continue;
                }
                boolean flagsChanged = !flags(seq).equals(m.flags());
                if (flagsChanged || (condStore && modSeqs[seq - 1] != m.modSeq())) {
                    flags[seq - 1] = m.flags();
                    modSeqs[seq - 1] = m.modSeq();
                    out.add(new ViewUpdate.Flags(seq, qresync ? m.uid() : -1, m.flags(), condStore ? m.modSeq() : -1));
                }
            } else if (m.uid() > lastUid()) {
                add(m.uid(), m.modSeq(), m.flags());
            }
            // else: a uid below the last one that the view lacks was expunged before the client heard of it
        }
        if (size > before) {
            out.add(new ViewUpdate.Exists(size));
        }
        knownModSeq = highest;
    }

    private void announceExpunges(List<ViewUpdate> out) {
        if (qresync) {
            out.add(new ViewUpdate.Vanished(pendingExpunge.stream().mapToLong(Long::longValue).toArray()));
            for (long uid : pendingExpunge) {
                remove(seq(uid));
            }
        } else {
            // highest first, so each number is still the one the client has for the message
            for (long uid : pendingExpunge.descendingSet()) {
                int seq = seq(uid);
                out.add(new ViewUpdate.Expunge(seq));
                remove(seq);
            }
        }
        pendingExpunge.clear();
    }

    private void add(long uid, long modSeq, Set<String> messageFlags) {
        if (size == uids.length) {
            int cap = Math.max(16, size * 2);
            uids = Arrays.copyOf(uids, cap);
            modSeqs = Arrays.copyOf(modSeqs, cap);
            flags = Arrays.copyOf(flags, cap);
        }
        uids[size] = uid;
        modSeqs[size] = modSeq;
        flags[size] = messageFlags;
        size++;
    }

    private void remove(int seq) {
        int i = seq - 1;
        int tail = size - i - 1;
        System.arraycopy(uids, i + 1, uids, i, tail);
        System.arraycopy(modSeqs, i + 1, modSeqs, i, tail);
        System.arraycopy(flags, i + 1, flags, i, tail);
        size--;
        flags[size] = null;
    }
}
