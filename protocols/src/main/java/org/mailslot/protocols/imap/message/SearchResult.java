package org.mailslot.protocols.imap.message;

/**
 * The messages a SEARCH matched, ascending.
 *
 * @param uids           their UIDs
 * @param sequences      their message sequence numbers in the view searched (1-based, same order as {@code uids})
 * @param highestModSeq  the highest MODSEQ among them, 0 when none matched (RFC 7162 "(MODSEQ n)")
 */
public record SearchResult(long[] uids, int[] sequences, long highestModSeq) {
    public int count() {
        return uids.length;
    }
}
