package org.mailslot.store;

import static org.mailslot.store.StoreException.Reason.INVALID;
import static org.mailslot.store.StoreException.Reason.NOT_FOUND;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Outbound queue mutations (DESIGN.md section 6), run by the writer inside a group commit like every change. */
final class OutboundOps {
    private OutboundOps() {}

    /**
     * Submission: the copy in Sent (when asked) and the queue entry with every recipient pending and due now, in the
     * caller's one transaction. Returns the entry's id.
     */
    static long submit(Tx tx, long accountId, String sender, List<String> recipients, MessageOps.Content content,
                       long expiresAtMillis, long quotaBytes, boolean saveToSent) throws SQLException {
        if (saveToSent) {
            Mailbox sent = sentMailbox(tx, accountId);
            MessageOps.checkQuota(tx, accountId, content.size(), quotaBytes);
            MessageOps.insert(tx, sent.id(), content, Map.of("submitted", true));
        }
        tx.update("INSERT INTO outbound(account_id, sender, blob_hash, size, created_at, expires_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)", accountId, sender, content.blobHash(), content.size(), tx.nowMillis(),
                expiresAtMillis);
        long id = tx.queryLong("SELECT last_insert_rowid()");
        for (String address : recipients) {
            tx.update("INSERT INTO outbound_rcpt(queue_id, address, next_attempt_at) VALUES (?, ?, ?)", id, address,
                    tx.nowMillis());
        }
        tx.change("outbound.add", Tx.payload("id", id, "accountId", accountId, "blobHash", content.blobHash(),
                "recipients", recipients.size()));
        return id;
    }

    /**
     * The account's Sent mailbox: the one with that special use (it may have been renamed), else the one named Sent,
     * else a new one with the account's other default mailboxes (an account that never received mail has none).
     */
    private static Mailbox sentMailbox(Tx tx, long accountId) throws SQLException {
        List<Mailbox> bySpecialUse = Sql.mailboxes(tx.c(), "account_id = ? AND special_use = ? AND deleted_at IS NULL"
                + " ORDER BY id", accountId, SpecialUse.SENT.name());
        if (!bySpecialUse.isEmpty()) {
            return bySpecialUse.getFirst();
        }
        Optional<Mailbox> byName = Sql.liveMailbox(tx.c(), accountId, "Sent");
        if (byName.isPresent()) {
            return byName.get();
        }
        MailboxOps.createAccount(tx, accountId);
        return Sql.liveMailbox(tx.c(), accountId, "Sent").orElseThrow();
    }

    /**
     * Before an attempt: when a pending recipient of the entry is due at {@code nowMillis}, every pending recipient
     * counts one more attempt and is next due at {@code retryAtMillis}, as if the attempt will be deferred. So an
     * attempt cut short by a crash or a failover is retried after a backoff, not at once, and two runners never try
     * the same entry at the same time: the second one's claim finds nothing due. Empty when nothing was due.
     */
    static Optional<OutboundEntry> claim(Tx tx, long id, long nowMillis, long retryAtMillis) throws SQLException {
        if (tx.queryLong("SELECT count(*) FROM outbound_rcpt WHERE queue_id = ? AND state = 0"
                + " AND next_attempt_at <= ?", id, nowMillis) == 0) {
            return Optional.empty();
        }
        tx.update("UPDATE outbound_rcpt SET attempts = attempts + 1, next_attempt_at = ? WHERE queue_id = ?"
                + " AND state = 0", retryAtMillis, id);
        tx.change("outbound.claim", Tx.payload("id", id, "retryAt", retryAtMillis));
        return OutboundRows.entry(tx.c(), id);
    }

    /**
     * After an attempt: each outcome's recipient (which must be pending) takes its new state and answer; the notice,
     * if any, goes into the sender's INBOX (a delay notice is recorded as sent); an entry with no pending recipient
     * left is removed. Returns the entry as it now is, empty when it left the queue.
     */
    static Optional<OutboundEntry> record(Tx tx, long id, List<OutboundOutcome> outcomes, MessageOps.Content notice,
                                          OutboundNotice.Kind noticeKind) throws SQLException {
        OutboundEntry entry = OutboundRows.entry(tx.c(), id)
                .orElseThrow(() -> new StoreException(NOT_FOUND, "no outbound queue entry " + id));
        List<Object> recorded = new ArrayList<>();
        for (OutboundOutcome o : outcomes) {
            OutboundRecipient r = entry.recipients().stream().filter(x -> x.address().equals(o.address()))
                    .findFirst().orElseThrow(() -> new StoreException(INVALID, "outbound queue entry " + id
                            + " has no recipient " + o.address()));
            if (r.state() != OutboundRecipient.State.PENDING) {
                throw new StoreException(INVALID, "recipient " + o.address() + " of outbound queue entry " + id
                        + " is already " + r.state().name().toLowerCase());
            }
            tx.update("UPDATE outbound_rcpt SET state = ?, next_attempt_at = coalesce(?, next_attempt_at),"
                    + " status = ?, diagnostic = ?, remote_mta = ? WHERE queue_id = ? AND address = ?",
                    o.state().code(), o.nextAttemptAt() == null ? null : o.nextAttemptAt().toEpochMilli(), o.status(),
                    o.diagnostic(), o.remoteMta(), id, o.address());
            recorded.add(Tx.payload("address", o.address(), "state", o.state().name()));
        }
        if (notice != null) {
            Mailbox inbox = MailboxOps.inbox(tx, entry.accountId());
            MessageOps.insert(tx, inbox.id(), notice, Tx.payload("noticeFor", id, "notice", noticeKind.name()));
            if (noticeKind == OutboundNotice.Kind.DELAY) {
                tx.update("UPDATE outbound SET delay_notice_sent = 1 WHERE id = ?", id);
            }
        }
        boolean finished = tx.queryLong("SELECT count(*) FROM outbound_rcpt WHERE queue_id = ? AND state = 0", id) == 0;
        if (finished) {
            remove(tx, "queue_id = ?", "id = ?", id);
        }
        tx.change(finished ? "outbound.done" : "outbound.attempt", Tx.payload("id", id, "outcomes", recorded));
        return finished ? Optional.empty() : OutboundRows.entry(tx.c(), id);
    }

    /** The operator's flush: pending recipients due later than {@code nowMillis} are due now. */
    static int flush(Tx tx, long nowMillis) throws SQLException {
        int moved = tx.update("UPDATE outbound_rcpt SET next_attempt_at = ? WHERE state = 0 AND next_attempt_at > ?",
                nowMillis, nowMillis);
        if (moved > 0) {
            tx.change("outbound.flush", Tx.payload("recipients", moved));
        }
        return moved;
    }

    /** The operator's delete: the entry leaves the queue, unreported. False when there is none. */
    static boolean delete(Tx tx, long id) throws SQLException {
        if (tx.queryLong("SELECT count(*) FROM outbound WHERE id = ?", id) == 0) {
            return false;
        }
        remove(tx, "queue_id = ?", "id = ?", id);
        tx.change("outbound.delete", Tx.payload("id", id));
        return true;
    }

    /** A deleted account's queued mail goes with it: there is nobody left to tell about it. */
    static void deleteForAccount(Tx tx, long accountId) throws SQLException {
        remove(tx, "queue_id IN (SELECT id FROM outbound WHERE account_id = ?)", "account_id = ?", accountId);
    }

    private static void remove(Tx tx, String recipientsWhere, String entriesWhere, long arg) throws SQLException {
        tx.update("DELETE FROM outbound_rcpt WHERE " + recipientsWhere, arg);
        tx.update("DELETE FROM outbound WHERE " + entriesWhere, arg);
    }
}
