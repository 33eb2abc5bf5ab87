package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.message.MessageSource;
import org.mailslot.store.MessageMeta;
import org.mailslot.store.SlotStore;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;

/**
 * The top-level headers the store keeps with the rows ({@link SlotStore#headers}) of the messages one command walks,
 * read a window of UIDs at a time as the command reaches them: one query per window instead of one blob file per
 * message, and never more than a window in memory. A header is the blob's own first bytes up to its first blank line,
 * so reading it gives exactly what reading the blob gives; a message without one (a header over the store's cap, a
 * message stored before the store kept them) is read from its blob.
 */
final class CachedHeaders {
    /** UIDs one query spans: a few hundred headers of a few KiB each. */
    static final int WINDOW = 256;

    private final SlotStore store;
    private final long mailboxId;
    private final long[] uids;
    private long from = 1;
    private long to = 0;
    private Map<Long, byte[]> window = Map.of();

    /** @param uids the messages the command may read, any order (copied and sorted here) */
    CachedHeaders(SlotStore store, long mailboxId, long[] uids) {
        this.store = store;
        this.mailboxId = mailboxId;
        this.uids = uids.clone();
        Arrays.sort(this.uids);
    }

    /** The kept header of the message, or null when it has none (read its blob then). */
    byte[] get(long uid) {
        if (uid < from || uid > to) {
            load(uid);
        }
        return window.get(uid);
    }

    /** The window from {@code uid} to the last listed UID less than {@link #WINDOW} above it. */
    private void load(long uid) {
        int i = Arrays.binarySearch(uids, uid);
        long last = uid;
        for (int j = i < 0 ? -i - 1 : i; j < uids.length && uids[j] - uid < WINDOW; j++) {
            last = uids[j];
        }
        from = uid;
        to = last;
        window = store.headers(mailboxId, from, to);
    }

    /**
     * The stored bytes of a message for the header keys of SEARCH, SORT and THREAD: its kept header, else its blob.
     * A stand-in for a message expunged meanwhile (no blob hash) has no bytes; a message of a session view (blob hash
     * not read: empty) without a kept header is looked up.
     */
    MessageSource source() {
        return new MessageSource() {
            @Override
            public InputStream open(MessageMeta m) throws IOException {
                if (m.blobHash() == null) {
                    return InputStream.nullInputStream();
                }
                byte[] header = get(m.uid());
                if (header != null) {
                    return new ByteArrayInputStream(header);
                }
                if (!m.blobHash().isEmpty()) {
                    return store.openBody(m.blobHash());
                }
                // a session view names no blob: look the message up (it may have been expunged meanwhile)
                return store.message(mailboxId, m.uid()).map(row -> store.openBody(row.blobHash()))
                        .orElseGet(InputStream::nullInputStream);
            }

            @Override
            public byte[] header(MessageMeta m, int maxBytes) throws IOException {
                byte[] header = m.blobHash() == null ? null : get(m.uid());
                if (header == null) {
                    return MessageSource.super.header(m, maxBytes);
                }
                // kept headers end with their blank line already: no need to scan them again
                return header.length <= maxBytes ? header : Arrays.copyOf(header, maxBytes);
            }
        };
    }
}
