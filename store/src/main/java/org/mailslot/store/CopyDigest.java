package org.mailslot.store;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a scrub compares between the two copies of a slot (DESIGN.md section 5, invariant 5), read in one snapshot
 * of a copy: {@code seq}, its last change seq; {@code content}, {@link SlotStore#contentDigest()} (every replicated
 * row); {@code mailboxes}, a SHA-256 per mailbox id over the mailbox's message rows, so that a difference can be
 * named by mailbox.
 *
 * <p>A mailbox's digest covers every message row with that mailbox id, visible, expunged and tombstone alike, in
 * ascending uid; per row, in this order: uid (8 octets, big-endian), state (1 octet: 0 visible, 1 expunged, 2
 * tombstone), modseq (8 octets), expunged modseq (8 octets, 0 when there is none), flags as stored (the sorted,
 * space-separated flag list: 4-octet length, then UTF-8), blob hash (4-octet length, then its 64 hex digits). Every
 * mailbox row (deleted ones included, until purged) has an entry, one with no messages the SHA-256 of nothing; so
 * does a mailbox id that only message rows name. Digests are lower-case hex. Two copies at the same seq have equal
 * digests; the other columns (dates, sizes, cached IMAP strings, ids) and tables are covered by {@code content}.
 */
public record CopyDigest(long seq, String content, SortedMap<Long, String> mailboxes) {
    public CopyDigest {
        mailboxes = Collections.unmodifiableSortedMap(new TreeMap<>(mailboxes));
    }

    public static CopyDigest of(long seq, String content, Map<Long, String> mailboxes) {
        return new CopyDigest(seq, content, new TreeMap<>(mailboxes));
    }
}
