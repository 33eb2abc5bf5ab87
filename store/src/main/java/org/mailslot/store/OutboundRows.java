package org.mailslot.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads outbound queue entries with their recipients; used by readers and, inside a transaction, by the writer. */
final class OutboundRows {
    private static final String ENTRY_COLUMNS =
            "id, account_id, sender, blob_hash, size, created_at, expires_at, delay_notice_sent";

    private OutboundRows() {}

    static Optional<OutboundEntry> entry(Connection c, long id) throws SQLException {
        List<OutboundEntry> found = entries(c, "id = ?", id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
    }

    /** The entries with a pending recipient due at or before {@code nowMillis}, the longest due first. */
    static List<OutboundEntry> due(Connection c, long nowMillis, int limit) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement st = Sql.prepare(c, "SELECT queue_id FROM outbound_rcpt WHERE state = 0"
                + " AND next_attempt_at <= ? GROUP BY queue_id ORDER BY min(next_attempt_at), queue_id LIMIT ?",
                nowMillis, limit); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        List<OutboundEntry> out = new ArrayList<>();
        for (long id : ids) {
            entry(c, id).ifPresent(out::add);
        }
        return out;
    }

    /** Entries matching {@code where} (on the outbound table), by id, each with all its recipients. */
    static List<OutboundEntry> entries(Connection c, String where, Object... args) throws SQLException {
        List<OutboundEntry> heads = new ArrayList<>();
        try (PreparedStatement st = Sql.prepare(c, "SELECT " + ENTRY_COLUMNS + " FROM outbound WHERE " + where
                + " ORDER BY id", args); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                heads.add(new OutboundEntry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getLong(5), Instant.ofEpochMilli(rs.getLong(6)), Instant.ofEpochMilli(rs.getLong(7)),
                        rs.getInt(8) != 0, List.of()));
            }
        }
        List<OutboundEntry> out = new ArrayList<>(heads.size());
        for (OutboundEntry h : heads) { // after the first statement is closed: one open cursor at a time
            out.add(new OutboundEntry(h.id(), h.accountId(), h.sender(), h.blobHash(), h.size(), h.createdAt(),
                    h.expiresAt(), h.delayNoticeSent(), recipients(c, h.id())));
        }
        return out;
    }

    private static List<OutboundRecipient> recipients(Connection c, long queueId) throws SQLException {
        List<OutboundRecipient> out = new ArrayList<>();
        try (PreparedStatement st = Sql.prepare(c, "SELECT address, state, attempts, next_attempt_at, status,"
                + " diagnostic, remote_mta FROM outbound_rcpt WHERE queue_id = ? ORDER BY address", queueId);
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                out.add(new OutboundRecipient(rs.getString(1), OutboundRecipient.State.of(rs.getInt(2)), rs.getInt(3),
                        Instant.ofEpochMilli(rs.getLong(4)), rs.getString(5), rs.getString(6), rs.getString(7)));
            }
        }
        return out;
    }

    /** Whether a queue entry names this body: then blob GC keeps it. */
    static boolean references(Connection c, String blobHash) throws SQLException {
        try (PreparedStatement st = Sql.prepare(c, "SELECT 1 FROM outbound WHERE blob_hash = ? LIMIT 1", blobHash);
             ResultSet rs = st.executeQuery()) {
            return rs.next();
        }
    }
}
