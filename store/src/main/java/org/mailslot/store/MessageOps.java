package org.mailslot.store;

import static org.mailslot.store.StoreException.Reason.NOT_FOUND;
import static org.mailslot.store.StoreException.Reason.OVER_QUOTA;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Message mutations, run by the writer inside a group commit. */
final class MessageOps {
    /**
     * The parts of a message row that do not depend on where it lands. A new message has emailId and threadId 0
     * (allocated at insert) and the msg-ids that thread it; a copy carries its ids and no msg-ids. {@code header} is
     * the cached top-level header ({@link HeaderCapture}), null when there is none.
     */
    record Content(Set<String> flags, long internalDateMillis, long size, String blobHash, String envelope,
                   String body, String bodyStructure, long emailId, long threadId, List<String> messageIds,
                   byte[] header) {
        /** A copy of a stored row, with that row's cached header. */
        static Content of(MessageMeta m, byte[] header) {
            return new Content(m.flags(), m.internalDate().toEpochMilli(), m.size(), m.blobHash(), m.envelope(),
                    m.body(), m.bodyStructure(), m.emailId(), m.threadId(), List.of(), header);
        }
    }

    private MessageOps() {}

    /** Inserts into {@code mailboxId} with the next UID and a new modseq; emailId and threadId 0 allocate them. */
    static AppendResult insert(Tx tx, long mailboxId, Content m, Map<String, Object> extra) throws SQLException {
        Mailbox mb = Sql.requireMailbox(tx.c(), mailboxId);
        long uid = mb.uidNext();
        long modSeq = mb.highestModSeq() + 1;
        long emailId = m.emailId();
        if (emailId == 0) {
            emailId = tx.queryLong("SELECT value FROM meta WHERE key = 'next_email_id'");
            tx.update("UPDATE meta SET value = value + 1 WHERE key = 'next_email_id'");
        }
        long threadId = m.threadId() != 0 ? m.threadId() : Threads.assign(tx, mb.accountId(), emailId, m.messageIds());
        boolean seen = m.flags().contains(Flags.SEEN);
        tx.update("UPDATE mailbox SET uid_next = ?, highest_modseq = ?, messages = messages + 1,"
                + " unseen = unseen + ?, size = size + ? WHERE id = ?", uid + 1, modSeq, seen ? 0 : 1, m.size(),
                mailboxId);
        tx.touched(mailboxId, modSeq);
        String flags = Flags.encode(new TreeSet<>(m.flags()));
        tx.update("INSERT INTO message(mailbox_id, uid, modseq, flags, seen, internal_date, size, blob_hash,"
                        + " envelope, body, body_structure, email_id, thread_id, header)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                mailboxId, uid, modSeq, flags, seen, m.internalDateMillis(), m.size(),
                m.blobHash(), m.envelope(), m.body(), m.bodyStructure(), emailId, threadId, m.header());
        tx.update("UPDATE account SET used_bytes = used_bytes + ?, used_messages = used_messages + 1 WHERE id = ?",
                m.size(), mb.accountId());
        // the row itself (cached IMAP strings, header, thread ids) travels as row images; these name the message
        Map<String, Object> payload = Tx.payload("accountId", mb.accountId(), "mailboxId", mailboxId, "uid", uid,
                "modSeq", modSeq, "blobHash", m.blobHash(), "emailId", emailId, "threadId", threadId);
        payload.putAll(extra);
        tx.change("message.add", payload);
        return new AppendResult(mailboxId, mb.uidValidity(), uid, modSeq);
    }

    /**
     * The cached header of one row, null when it has none; read per row (not with the range) so a copy of a large
     * mailbox holds one header at a time.
     */
    private static byte[] header(Tx tx, long mailboxId, long uid) throws SQLException {
        try (PreparedStatement st = tx.prepare("SELECT header FROM message WHERE mailbox_id = ? AND uid = ?",
                mailboxId, uid); ResultSet rs = st.executeQuery()) {
            return rs.next() ? rs.getBytes(1) : null;
        }
    }

    static long usedBytes(Tx tx, long accountId) throws SQLException {
        return tx.queryLong("SELECT used_bytes FROM account WHERE id = ?", accountId);
    }

    static List<DeliveryOutcome> deliver(Tx tx, Content m, List<DeliveryTarget> targets) throws SQLException {
        List<DeliveryOutcome> out = new ArrayList<>();
        Set<Long> seen = new java.util.HashSet<>();
        for (DeliveryTarget t : targets) {
            if (!seen.add(t.accountId())) {
                continue; // one copy per account, however often it is named
            }
            Mailbox inbox = MailboxOps.inbox(tx, t.accountId());
            Mailbox into = t.mailbox() == SpecialUse.INBOX ? inbox
                    : MailboxOps.withSpecialUse(tx, t.accountId(), t.mailbox()).orElse(inbox);
            long used = usedBytes(tx, t.accountId());
            if (t.quotaBytes() > 0 && used + m.size() > t.quotaBytes()) {
                out.add(new DeliveryOutcome.OverQuota(t.accountId(), used, t.quotaBytes()));
                continue;
            }
            AppendResult r = insert(tx, into.id(), m, Map.of());
            out.add(new DeliveryOutcome.Delivered(t.accountId(), r.mailboxId(), r.uidValidity(), r.uid()));
        }
        return out;
    }

    static AppendResult append(Tx tx, long accountId, String mailbox, Content m, long quotaBytes) throws SQLException {
        Mailbox mb = MailboxOps.require(tx, accountId, mailbox);
        checkQuota(tx, accountId, m.size(), quotaBytes);
        return insert(tx, mb.id(), m, Map.of());
    }

    static void checkQuota(Tx tx, long accountId, long adding, long quotaBytes) throws SQLException {
        long used = usedBytes(tx, accountId);
        if (quotaBytes > 0 && used + adding > quotaBytes) {
            throw new StoreException(OVER_QUOTA, "quota exceeded: " + used + " + " + adding + " > " + quotaBytes);
        }
    }

    /** The visible messages among {@code uids}, ascending; one range query rather than one per uid. */
    private static List<MessageMeta> visible(Tx tx, long mailboxId, Collection<Long> uids) throws SQLException {
        if (uids.isEmpty()) {
            return List.of();
        }
        TreeSet<Long> wanted = new TreeSet<>(uids);
        List<MessageMeta> out = new ArrayList<>();
        for (MessageMeta m : Sql.messages(tx.c(), "mailbox_id = ? AND state = 0 AND uid BETWEEN ? AND ? ORDER BY uid",
                mailboxId, wanted.first(), wanted.last())) {
            if (wanted.contains(m.uid())) {
                out.add(m);
            }
        }
        return out;
    }

    /**
     * STORE with CONDSTORE's UNCHANGEDSINCE ({@code unchangedSince <= 0}: unconditional). Messages whose modseq is
     * above it are left alone and reported in {@code failed}; a message whose flags end up as they were keeps
     * its modseq.
     */
    static StoreFlagsResult storeFlags(Tx tx, long mailboxId, Collection<Long> uids, FlagOp op, Set<String> flags,
                                       long unchangedSince) throws SQLException {
        Mailbox mb = Sql.requireMailbox(tx.c(), mailboxId);
        TreeSet<String> given = Flags.normalize(flags);
        long modSeq = mb.highestModSeq() + 1; // one modseq for the whole command (RFC 7162 allows it)
        List<Object> updates = new ArrayList<>();
        List<MessageMeta> out = new ArrayList<>();
        List<Long> failed = new ArrayList<>();
        int unseenDelta = 0;
        for (MessageMeta m : visible(tx, mailboxId, uids)) {
            if (unchangedSince > 0 && m.modSeq() > unchangedSince) {
                failed.add(m.uid());
                continue;
            }
            TreeSet<String> before = new TreeSet<>(m.flags());
            TreeSet<String> next = new TreeSet<>(before);
            switch (op) {
                case ADD -> next.addAll(given);
                case REMOVE -> next.removeAll(given);
                case REPLACE -> {
                    next.clear();
                    next.addAll(given);
                }
            }
            if (next.equals(before)) {
                out.add(m);
                continue;
            }
            boolean wasSeen = before.contains(Flags.SEEN);
            boolean isSeen = next.contains(Flags.SEEN);
            unseenDelta += (wasSeen ? 1 : 0) - (isSeen ? 1 : 0);
            String encoded = Flags.encode(next);
            tx.update("UPDATE message SET flags = ?, seen = ?, modseq = ? WHERE mailbox_id = ? AND uid = ?",
                    encoded, isSeen, modSeq, mailboxId, m.uid());
            updates.add(Tx.payload("uid", m.uid(), "flags", encoded));
            out.add(new MessageMeta(m.mailboxId(), m.uid(), modSeq, Flags.decode(encoded), m.internalDate(),
                    m.size(), m.blobHash(), m.envelope(), m.body(), m.bodyStructure(), m.emailId(), m.threadId()));
        }
        if (updates.isEmpty()) {
            return new StoreFlagsResult(out, failed, 0);
        }
        tx.update("UPDATE mailbox SET highest_modseq = ?, unseen = unseen + ? WHERE id = ?", modSeq, unseenDelta,
                mailboxId);
        tx.touched(mailboxId, modSeq);
        tx.change("message.flags", Tx.payload("mailboxId", mailboxId, "modSeq", modSeq, "updates", updates));
        return new StoreFlagsResult(out, failed, modSeq);
    }

    static List<AppendResult> copy(Tx tx, long fromMailboxId, Collection<Long> uids, long toMailboxId,
                                   long quotaBytes) throws SQLException {
        Sql.requireMailbox(tx.c(), fromMailboxId);
        Mailbox to = Sql.requireMailbox(tx.c(), toMailboxId);
        List<MessageMeta> source = visible(tx, fromMailboxId, uids);
        long total = source.stream().mapToLong(MessageMeta::size).sum();
        checkQuota(tx, to.accountId(), total, quotaBytes);
        List<AppendResult> out = new ArrayList<>();
        for (MessageMeta m : source) {
            out.add(insert(tx, toMailboxId, Content.of(m, header(tx, fromMailboxId, m.uid())),
                    Tx.payload("copiedFrom", Tx.payload("mailboxId", fromMailboxId, "uid", m.uid()))));
        }
        return out;
    }

    /** MOVE: copy and expunge in one transaction; the source rows become tombstones (not restorable). */
    static List<MoveResult> move(Tx tx, long fromMailboxId, Collection<Long> uids, long toMailboxId,
                                 long quotaBytes) throws SQLException {
        Mailbox from = Sql.requireMailbox(tx.c(), fromMailboxId);
        Mailbox to = Sql.requireMailbox(tx.c(), toMailboxId);
        List<MessageMeta> source = visible(tx, fromMailboxId, uids);
        if (source.isEmpty()) {
            return List.of();
        }
        if (from.accountId() != to.accountId()) { // within one account a move does not change usage
            checkQuota(tx, to.accountId(), source.stream().mapToLong(MessageMeta::size).sum(), quotaBytes);
        }
        List<AppendResult> added = new ArrayList<>();
        for (MessageMeta m : source) {
            added.add(insert(tx, toMailboxId, Content.of(m, header(tx, fromMailboxId, m.uid())),
                    Tx.payload("movedFrom", Tx.payload("mailboxId", fromMailboxId, "uid", m.uid()))));
        }
        long expungeModSeq = hide(tx, Sql.requireMailbox(tx.c(), fromMailboxId), source, 2, "move");
        List<MoveResult> out = new ArrayList<>();
        for (int i = 0; i < source.size(); i++) {
            AppendResult r = added.get(i);
            out.add(new MoveResult(source.get(i).uid(), r.uid(), r.uidValidity(), r.modSeq(), expungeModSeq));
        }
        return out;
    }

    /** MULTIAPPEND: every message or none, quota checked against their total. */
    static List<AppendResult> appendAll(Tx tx, long accountId, String mailbox, List<Content> messages,
                                        long quotaBytes) throws SQLException {
        Mailbox mb = MailboxOps.require(tx, accountId, mailbox);
        checkQuota(tx, accountId, messages.stream().mapToLong(Content::size).sum(), quotaBytes);
        List<AppendResult> out = new ArrayList<>();
        for (Content m : messages) {
            out.add(insert(tx, mb.id(), m, Map.of()));
        }
        return out;
    }

    static Void expunge(Tx tx, long mailboxId, Collection<Long> uids) throws SQLException {
        Mailbox mb = Sql.requireMailbox(tx.c(), mailboxId);
        hide(tx, mb, visible(tx, mailboxId, uids), 1, "expunge");
        return null;
    }

    static void expungeAll(Tx tx, Mailbox mb) throws SQLException {
        hide(tx, mb, Sql.messages(tx.c(), "mailbox_id = ? AND state = 0 ORDER BY uid", mb.id()), 1, "expunge");
    }

    /**
     * Marks rows hidden with one new modseq: state 1 (restorable) or 2 (moved away, tombstone only).
     * Returns that modseq (0 when there was nothing to hide).
     */
    private static long hide(Tx tx, Mailbox mb, List<MessageMeta> rows, int state, String why) throws SQLException {
        if (rows.isEmpty()) {
            return 0;
        }
        long modSeq = mb.highestModSeq() + 1;
        List<Long> done = new ArrayList<>();
        long bytes = 0;
        int unseen = 0;
        for (MessageMeta m : rows) {
            tx.update("UPDATE message SET state = ?, expunged_modseq = ?, expunged_at = ? WHERE mailbox_id = ?"
                    + " AND uid = ?", state, modSeq, tx.nowMillis(), mb.id(), m.uid());
            done.add(m.uid());
            bytes += m.size();
            unseen += m.flags().contains(Flags.SEEN) ? 0 : 1;
        }
        tx.update("UPDATE mailbox SET highest_modseq = ?, messages = messages - ?, unseen = unseen - ?,"
                + " size = size - ? WHERE id = ?", modSeq, rows.size(), unseen, bytes, mb.id());
        tx.touched(mb.id(), modSeq);
        tx.update("UPDATE account SET used_bytes = used_bytes - ?, used_messages = used_messages - ? WHERE id = ?",
                bytes, rows.size(), mb.accountId());
        tx.change("message.expunge", Tx.payload("mailboxId", mb.id(), "uids", done, "modSeq", modSeq,
                "state", state, "expungedAt", tx.nowMillis(), "reason", why));
        return modSeq;
    }

    /** INBOX rename: every visible message moves to {@code to} with new UIDs; INBOX keeps tombstones. */
    static void moveAll(Tx tx, Mailbox from, Mailbox to) throws SQLException {
        List<MessageMeta> rows = Sql.messages(tx.c(), "mailbox_id = ? AND state = 0 ORDER BY uid", from.id());
        for (MessageMeta m : rows) {
            insert(tx, to.id(), Content.of(m, header(tx, from.id(), m.uid())),
                    Tx.payload("movedFrom", Tx.payload("mailboxId", from.id(), "uid", m.uid())));
        }
        hide(tx, Sql.requireMailbox(tx.c(), from.id()), rows, 2, "rename");
    }

    static int restore(Tx tx, long accountId, long sinceMillis) throws SQLException {
        List<MessageMeta> rows = Sql.messages(tx.c(), "state = 1 AND expunged_at >= ? AND mailbox_id IN"
                + " (SELECT id FROM mailbox WHERE account_id = ?) ORDER BY expunged_at, mailbox_id, uid",
                sinceMillis, accountId);
        for (MessageMeta m : rows) {
            long target = restoreTarget(tx, m.mailboxId());
            tx.update("UPDATE message SET state = 2 WHERE mailbox_id = ? AND uid = ?", m.mailboxId(), m.uid());
            insert(tx, target, Content.of(m, header(tx, m.mailboxId(), m.uid())),
                    Tx.payload("restoredFrom", Tx.payload("mailboxId", m.mailboxId(), "uid", m.uid())));
        }
        return rows.size();
    }

    /** The mailbox a message returns to: its own, else a live one of the same name, else a recreated one. */
    private static long restoreTarget(Tx tx, long mailboxId) throws SQLException {
        if (Sql.liveMailbox(tx.c(), mailboxId).isPresent()) {
            return mailboxId;
        }
        Mailbox gone = Sql.mailboxes(tx.c(), "id = ?", mailboxId).stream().findFirst()
                .orElseThrow(() -> new StoreException(NOT_FOUND, "no mailbox " + mailboxId));
        java.util.Optional<Mailbox> live = Sql.liveMailbox(tx.c(), gone.accountId(), gone.name());
        if (live.isPresent()) {
            return live.get().id();
        }
        return MailboxOps.create(tx, gone.accountId(), gone.name(), SpecialUse.NONE).id();
    }

    /** What a purge removed: the count of restorable messages and the blob hashes that lost a row. */
    record Purged(int messages, Set<String> hashes) {}

    static Purged purge(Tx tx, long cutoffMillis) throws SQLException {
        List<MessageMeta> rows = Sql.messages(tx.c(), "state <> 0 AND expunged_at < ?", cutoffMillis);
        int restorable = (int) tx.queryLong("SELECT count(*) FROM message WHERE state = 1 AND expunged_at < ?",
                cutoffMillis);
        Set<String> hashes = new TreeSet<>();
        List<Object> removed = new ArrayList<>();
        for (MessageMeta m : rows) {
            hashes.add(m.blobHash());
            removed.add(List.of(m.mailboxId(), m.uid()));
        }
        tx.update("UPDATE mailbox SET purged_modseq = max(purged_modseq, (SELECT max(m.expunged_modseq)"
                + " FROM message m WHERE m.mailbox_id = mailbox.id AND m.state <> 0 AND m.expunged_at < ?))"
                + " WHERE id IN (SELECT mailbox_id FROM message WHERE state <> 0 AND expunged_at < ?)",
                cutoffMillis, cutoffMillis);
        tx.update("DELETE FROM message WHERE state <> 0 AND expunged_at < ?", cutoffMillis);
        tx.update("DELETE FROM mailbox WHERE deleted_at IS NOT NULL AND deleted_at < ?"
                + " AND NOT EXISTS (SELECT 1 FROM message WHERE mailbox_id = mailbox.id)", cutoffMillis);
        if (!removed.isEmpty()) {
            tx.change("message.purge", Tx.payload("cutoff", cutoffMillis, "rows", removed));
        }
        return new Purged(restorable, hashes);
    }
}
