package org.mailslot.protocols.pop3;

import org.mailslot.store.Mailbox;
import org.mailslot.store.MessageMeta;
import org.mailslot.store.SlotStore;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The INBOX as one session sees it: a snapshot taken at login, numbered 1..n for the whole session. Deleted
 * messages keep their numbers and are hidden until RSET; nothing is removed from the store before QUIT.
 */
final class Maildrop {
    private static final String SEEN = "\\Seen";

    record Entry(long uid, long size, String blobHash, boolean seen) {}

    private final SlotStore store;
    private final Mailbox mailbox;
    private final List<Entry> entries;
    private final BitSet deleted = new BitSet();
    private final BitSet retrieved = new BitSet();

    private Maildrop(SlotStore store, Mailbox mailbox, List<Entry> entries) {
        this.store = store;
        this.mailbox = mailbox;
        this.entries = entries;
    }

    /** The oldest {@code max} messages (all when {@code max} is 0), in ascending UID order as the store lists them. */
    static Maildrop snapshot(SlotStore store, Mailbox inbox, List<MessageMeta> messages, int max) {
        int n = max == 0 ? messages.size() : Math.min(max, messages.size());
        List<Entry> entries = new ArrayList<>(n);
        for (MessageMeta m : messages.subList(0, n)) {
            entries.add(new Entry(m.uid(), m.size(), m.blobHash(), m.flags().contains(SEEN)));
        }
        return new Maildrop(store, inbox, List.copyOf(entries));
    }

    SlotStore store() {
        return store;
    }

    long mailboxId() {
        return mailbox.id();
    }

    /** The highest message number: every message of the snapshot, deleted ones included. */
    int size() {
        return entries.size();
    }

    boolean exists(int number) {
        return number >= 1 && number <= entries.size();
    }

    boolean isDeleted(int number) {
        return deleted.get(number - 1);
    }

    Entry entry(int number) {
        return entries.get(number - 1);
    }

    /**
     * The unique id of RFC 1939 section 7: UIDVALIDITY and UID in decimal. Both are copied verbatim to the
     * replica, so the id survives restarts and failover; a recreated INBOX gets a new UIDVALIDITY, so an id is
     * never reused for another message. At most 41 characters of 0x30-0x39 and '.'.
     */
    String uniqueId(int number) {
        return mailbox.uidValidity() + "." + entry(number).uid();
    }

    void delete(int number) {
        deleted.set(number - 1);
    }

    /** RSET: every message marked deleted is unmarked. */
    void undeleteAll() {
        deleted.clear();
    }

    void retrieved(int number) {
        retrieved.set(number - 1);
    }

    /** Messages not marked deleted. */
    int visibleCount() {
        return entries.size() - deleted.cardinality();
    }

    long visibleOctets() {
        long total = 0;
        for (int i = 0; i < entries.size(); i++) {
            if (!deleted.get(i)) {
                total += entries.get(i).size();
            }
        }
        return total;
    }

    List<Long> deletedUids() {
        return uids(deleted);
    }

    /** UIDs retrieved in this session, not deleted, and not yet {@code \Seen}. */
    List<Long> newlySeenUids() {
        BitSet b = (BitSet) retrieved.clone();
        b.andNot(deleted);
        List<Long> out = new ArrayList<>();
        for (int i = b.nextSetBit(0); i >= 0; i = b.nextSetBit(i + 1)) {
            if (!entries.get(i).seen()) {
                out.add(entries.get(i).uid());
            }
        }
        return out;
    }

    InputStream openBody(int number) {
        return store.openBody(entry(number).blobHash());
    }

    private List<Long> uids(BitSet set) {
        List<Long> out = new ArrayList<>(set.cardinality());
        for (int i = set.nextSetBit(0); i >= 0; i = set.nextSetBit(i + 1)) {
            out.add(entries.get(i).uid());
        }
        return out;
    }
}
