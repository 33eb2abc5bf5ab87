package org.mailslot.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Statement binding and row mapping shared by the writer and the readers. */
final class Sql {
    static final String MAILBOX_COLUMNS =
            "id, account_id, name, special_use, uid_validity, uid_next, highest_modseq, subscribed";
    static final String MESSAGE_COLUMNS = "mailbox_id, uid, modseq, flags, internal_date, size, blob_hash,"
            + " envelope, body, body_structure, email_id, thread_id";
    /** The same row shape without the cached IMAP strings, which are most of a row's bytes. */
    static final String SUMMARY_COLUMNS = "mailbox_id, uid, modseq, flags, internal_date, size, blob_hash,"
            + " NULL, NULL, NULL, email_id, thread_id";

    private Sql() {}

    static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement st = c.prepareStatement(sql);
        try {
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 1, args[i] instanceof Boolean b ? (b ? 1 : 0) : args[i]);
            }
            return st;
        } catch (SQLException | RuntimeException e) {
            st.close();
            throw e;
        }
    }

    static Mailbox mailbox(ResultSet rs) throws SQLException {
        return new Mailbox(rs.getLong(1), rs.getLong(2), rs.getString(3), SpecialUse.valueOf(rs.getString(4)),
                rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getInt(8) != 0);
    }

    static MessageMeta message(ResultSet rs) throws SQLException {
        return new MessageMeta(rs.getLong(1), rs.getLong(2), rs.getLong(3), Flags.decode(rs.getString(4)),
                Instant.ofEpochMilli(rs.getLong(5)), rs.getLong(6), rs.getString(7), rs.getString(8),
                rs.getString(9), rs.getString(10), rs.getLong(11), rs.getLong(12));
    }

    static List<Mailbox> mailboxes(Connection c, String where, Object... args) throws SQLException {
        List<Mailbox> out = new ArrayList<>();
        try (PreparedStatement st = prepare(c, "SELECT " + MAILBOX_COLUMNS + " FROM mailbox WHERE " + where, args);
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                out.add(mailbox(rs));
            }
        }
        return out;
    }

    static Optional<Mailbox> liveMailbox(Connection c, long id) throws SQLException {
        return mailboxes(c, "id = ? AND deleted_at IS NULL", id).stream().findFirst();
    }

    static Optional<Mailbox> liveMailbox(Connection c, long accountId, String normalizedName) throws SQLException {
        return mailboxes(c, "account_id = ? AND name = ? AND deleted_at IS NULL", accountId, normalizedName)
                .stream().findFirst();
    }

    static Mailbox requireMailbox(Connection c, long id) throws SQLException {
        return liveMailbox(c, id).orElseThrow(
                () -> new StoreException(StoreException.Reason.NOT_FOUND, "no mailbox " + id));
    }

    static List<MessageMeta> messages(Connection c, String where, Object... args) throws SQLException {
        return messages(c, MESSAGE_COLUMNS, where, args);
    }

    static List<MessageMeta> messages(Connection c, String columns, String where, Object... args) throws SQLException {
        List<MessageMeta> out = new ArrayList<>();
        try (PreparedStatement st = prepare(c, "SELECT " + columns + " FROM message WHERE " + where, args);
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                out.add(message(rs));
            }
        }
        return out;
    }
}
