package org.mailslot.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The uid/modseq/flags lists of recently selected mailboxes, kept between SELECTs and refreshes: JDBC costs about a
 * microsecond a row, too much for 100,000 rows on every SELECT and a CPU cost worth saving even for hundreds. An entry is valid for the HIGHESTMODSEQ it was read at (every
 * change to a mailbox's messages raises it); a newer mailbox is brought up to date from the rows changed and
 * expunged since (both indexed), read in the same snapshot as the new HIGHESTMODSEQ. If the result disagrees
 * with the mailbox's message counter (e.g. expunged rows purged in between) it is read again in full.
 */
final class SelectCache {
    /**
     * Messages kept per slot, over all its cached mailboxes (about 24 bytes each, so about 6 MiB); not a setting:
     * entries are rebuilt on demand, and the least recently used go first.
     */
    static final int MAX_MESSAGES = 250_000;
    /** Smaller mailboxes are read directly: reading them costs less than keeping them. */
    static final int MIN_MESSAGES = 100;

    /** One mailbox as of {@code highestModSeq}; arrays ascending by uid, never modified once published. */
    private record Entry(long highestModSeq, long[] uids, long[] modSeqs, Set<String>[] flags) {}

    private final Map<Long, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long cachedMessages; // guarded by this
    private long generation; // guarded by this; bumped by clear()

    List<MessageFlags> read(Connection c, long mailboxId) throws SQLException {
        long readGeneration = generation(); // before this read's snapshot starts
        long highest;
        int count;
        try (PreparedStatement st = Sql.prepare(c, "SELECT highest_modseq, messages FROM mailbox WHERE id = ?"
                + " AND deleted_at IS NULL", mailboxId); ResultSet rs = st.executeQuery()) {
            if (!rs.next()) {
                throw new StoreException(StoreException.Reason.NOT_FOUND, "no mailbox " + mailboxId);
            }
            highest = rs.getLong(1);
            count = rs.getInt(2);
        }
        Entry e = get(mailboxId);
        if (e == null || e.highestModSeq() != highest) {
            e = e == null ? null : update(c, mailboxId, e, highest);
            if (e == null || e.uids().length != count) {
                e = load(c, mailboxId, highest);
            }
            if (count >= MIN_MESSAGES) {
                put(mailboxId, e, readGeneration);
            }
        }
        return view(e);
    }

    private synchronized Entry get(long mailboxId) {
        return entries.get(mailboxId);
    }

    private synchronized long generation() {
        return generation;
    }

    /**
     * Forgets every entry, and any read that began before: after a copy is emptied for a full resync, a mailbox id can
     * come back at the same HIGHESTMODSEQ with other messages (another history), which the modseq check cannot see.
     */
    synchronized void clear() {
        entries.clear();
        cachedMessages = 0;
        generation++;
    }

    private synchronized void put(long mailboxId, Entry e, long readGeneration) {
        if (readGeneration != generation) {
            return; // read before a clear(): possibly from the history it threw away
        }
        Entry old = entries.get(mailboxId);
        if (old == null || old.highestModSeq() < e.highestModSeq()) {
            entries.put(mailboxId, e);
            cachedMessages += e.uids().length - (old == null ? 0 : old.uids().length);
        }
        while (cachedMessages > MAX_MESSAGES && entries.size() > 1) {
            Long eldest = entries.keySet().iterator().next();
            cachedMessages -= entries.remove(eldest).uids().length;
        }
    }

    @SuppressWarnings("unchecked")
    private static Entry load(Connection c, long mailboxId, long highest) throws SQLException {
        int n = 0;
        long[] uids = new long[1024];
        long[] modSeqs = new long[1024];
        Set<String>[] flags = new Set[1024];
        Map<String, Set<String>> decoded = new HashMap<>(); // a mailbox has few distinct flag sets: share them
        try (PreparedStatement st = Sql.prepare(c, "SELECT uid, modseq, flags FROM message WHERE mailbox_id = ?"
                + " AND state = 0 ORDER BY uid", mailboxId); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                if (n == uids.length) {
                    uids = Arrays.copyOf(uids, n * 2);
                    modSeqs = Arrays.copyOf(modSeqs, n * 2);
                    flags = Arrays.copyOf(flags, n * 2);
                }
                uids[n] = rs.getLong(1);
                modSeqs[n] = rs.getLong(2);
                flags[n] = decoded.computeIfAbsent(rs.getString(3), Flags::decode);
                n++;
            }
        }
        return new Entry(highest, Arrays.copyOf(uids, n), Arrays.copyOf(modSeqs, n), Arrays.copyOf(flags, n));
    }

    /** The entry brought to {@code highest} from what changed since; null when it cannot be. */
    private static Entry update(Connection c, long mailboxId, Entry e, long highest) throws SQLException {
        if (e.highestModSeq() > highest) {
            return null;
        }
        long[] gone = new long[16];
        int goneCount = 0;
        try (PreparedStatement st = Sql.prepare(c, "SELECT uid FROM message WHERE mailbox_id = ? AND state <> 0"
                + " AND expunged_modseq > ?", mailboxId, e.highestModSeq()); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                if (goneCount == gone.length) {
                    gone = Arrays.copyOf(gone, goneCount * 2);
                }
                gone[goneCount++] = rs.getLong(1);
            }
        }
        long[] uids = e.uids().clone();
        long[] modSeqs = e.modSeqs().clone();
        Set<String>[] flags = e.flags().clone();
        long lastUid = uids.length == 0 ? 0 : uids[uids.length - 1];
        List<MessageFlags> added = new ArrayList<>();
        try (PreparedStatement st = Sql.prepare(c, "SELECT uid, modseq, flags FROM message WHERE mailbox_id = ?"
                + " AND state = 0 AND modseq > ? ORDER BY uid", mailboxId, e.highestModSeq());
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                long uid = rs.getLong(1);
                long modSeq = rs.getLong(2);
                Set<String> f = Flags.decode(rs.getString(3));
                int i = uid > lastUid ? -1 : Arrays.binarySearch(uids, uid);
                if (i >= 0) {
                    modSeqs[i] = modSeq;
                    flags[i] = f;
                } else if (uid > lastUid) {
                    added.add(new MessageFlags(uid, modSeq, f));
                } else {
                    return null; // a visible uid below the last one we never saw: not an incremental change
                }
            }
        }
        int n = uids.length;
        if (goneCount > 0) { // keep what was not expunged
            Arrays.sort(gone, 0, goneCount);
            int k = 0;
            for (int i = 0; i < uids.length; i++) {
                if (Arrays.binarySearch(gone, 0, goneCount, uids[i]) < 0) {
                    uids[k] = uids[i];
                    modSeqs[k] = modSeqs[i];
                    flags[k] = flags[i];
                    k++;
                }
            }
            n = k;
        }
        uids = Arrays.copyOf(uids, n + added.size());
        modSeqs = Arrays.copyOf(modSeqs, n + added.size());
        flags = Arrays.copyOf(flags, n + added.size());
        for (MessageFlags m : added) {
            uids[n] = m.uid();
            modSeqs[n] = m.modSeq();
            flags[n] = m.flags();
            n++;
        }
        return new Entry(highest, uids, modSeqs, flags);
    }

    /** An immutable list over the entry's arrays; records are made as they are read. */
    private static List<MessageFlags> view(Entry e) {
        return new AbstractList<>() {
            @Override
            public MessageFlags get(int i) {
                return new MessageFlags(e.uids()[i], e.modSeqs()[i], e.flags()[i]);
            }

            @Override
            public int size() {
                return e.uids().length;
            }
        };
    }
}
