package org.mailslot.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;

/**
 * The slot.db schema. Message state: 0 visible, 1 expunged (restorable), 2 tombstone (uid gone for good).
 * {@code DDL} is version 1 as first shipped; each later version is a migration step applied in order on open,
 * so slot files of every earlier version keep working.
 */
final class Schema {
    static final int VERSION = 7;

    private static final String[] DDL = {
        "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
        "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', 1), ('epoch', 0),"
                + " ('last_uid_validity', 0), ('next_email_id', 1)",
        "CREATE TABLE IF NOT EXISTS account(id INTEGER PRIMARY KEY, used_bytes INTEGER NOT NULL DEFAULT 0,"
                + " used_messages INTEGER NOT NULL DEFAULT 0)",
        "CREATE TABLE IF NOT EXISTS mailbox(id INTEGER PRIMARY KEY AUTOINCREMENT, account_id INTEGER NOT NULL,"
                + " name TEXT NOT NULL, special_use TEXT NOT NULL, uid_validity INTEGER NOT NULL,"
                + " uid_next INTEGER NOT NULL, highest_modseq INTEGER NOT NULL, subscribed INTEGER NOT NULL,"
                + " deleted_at INTEGER)",
        "CREATE UNIQUE INDEX IF NOT EXISTS mailbox_live_name ON mailbox(account_id, name) WHERE deleted_at IS NULL",
        "CREATE TABLE IF NOT EXISTS message(mailbox_id INTEGER NOT NULL, uid INTEGER NOT NULL,"
                + " modseq INTEGER NOT NULL, flags TEXT NOT NULL, seen INTEGER NOT NULL,"
                + " internal_date INTEGER NOT NULL, size INTEGER NOT NULL, blob_hash TEXT NOT NULL,"
                + " envelope TEXT NOT NULL, body TEXT NOT NULL, body_structure TEXT NOT NULL,"
                + " email_id INTEGER NOT NULL, state INTEGER NOT NULL DEFAULT 0, expunged_modseq INTEGER,"
                + " expunged_at INTEGER, UNIQUE(mailbox_id, uid))",
        "CREATE INDEX IF NOT EXISTS message_blob ON message(blob_hash)",
        "CREATE INDEX IF NOT EXISTS message_expunged ON message(expunged_at) WHERE state <> 0",
        "CREATE TABLE IF NOT EXISTS change_log(seq INTEGER PRIMARY KEY AUTOINCREMENT, epoch INTEGER NOT NULL,"
                + " kind TEXT NOT NULL, payload BLOB NOT NULL, crc32c INTEGER NOT NULL)",
    };

    /**
     * Version 2 (IMAP): per-mailbox counters of visible messages so STATUS/SELECT never scan messages, kept in
     * the same transactions as the rows; an index for CHANGEDSINCE and one for the first unseen message.
     */
    private static final String[] V2 = {
        "ALTER TABLE mailbox ADD COLUMN messages INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE mailbox ADD COLUMN unseen INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE mailbox ADD COLUMN size INTEGER NOT NULL DEFAULT 0",
        "UPDATE mailbox SET messages = (SELECT count(*) FROM message m WHERE m.mailbox_id = mailbox.id"
                + " AND m.state = 0), unseen = (SELECT count(*) FROM message m WHERE m.mailbox_id = mailbox.id"
                + " AND m.state = 0 AND m.seen = 0), size = (SELECT coalesce(sum(m.size), 0) FROM message m"
                + " WHERE m.mailbox_id = mailbox.id AND m.state = 0)",
        "CREATE INDEX IF NOT EXISTS message_modseq ON message(mailbox_id, modseq) WHERE state = 0",
        "CREATE INDEX IF NOT EXISTS message_unseen ON message(mailbox_id, uid) WHERE state = 0 AND seen = 0",
    };

    /**
     * Version 3: incremental SELECT ({@link SelectCache}) and VANISHED read what was expunged after a modseq by
     * index, and a full SELECT reads uid/modseq/flags from a covering index instead of the wide message rows.
     */
    private static final String[] V3 = {
        "CREATE INDEX IF NOT EXISTS message_vanished ON message(mailbox_id, expunged_modseq) WHERE state <> 0",
        "CREATE INDEX IF NOT EXISTS message_select ON message(mailbox_id, uid, modseq, flags) WHERE state = 0",
    };

    /**
     * Version 4: the highest expunged MODSEQ among purged rows of each mailbox. A QRESYNC client that last saw the
     * mailbox before it is told the complement of the visible UIDs instead of an exact list ({@link
     * SqliteSlotStore#expungedSince}), so no expunge is ever missed once rows are purged.
     */
    private static final String[] V4 = {
        "ALTER TABLE mailbox ADD COLUMN purged_modseq INTEGER NOT NULL DEFAULT 0",
    };

    /**
     * Version 5 (OBJECTID THREADID): each message's thread, and the account's msg-ids with the thread each first
     * appeared in, which a new message's Message-ID, In-Reply-To and References are looked up in ({@link Threads}).
     * Messages stored before it are each their own thread (thread id = email id, so copies still share theirs), and
     * their msg-ids are not known: a reply to one of them starts a new thread.
     */
    private static final String[] V5 = {
        "ALTER TABLE message ADD COLUMN thread_id INTEGER NOT NULL DEFAULT 0",
        "UPDATE message SET thread_id = email_id",
        "CREATE TABLE IF NOT EXISTS thread_msgid(account_id INTEGER NOT NULL, message_id TEXT NOT NULL,"
                + " thread_id INTEGER NOT NULL, PRIMARY KEY(account_id, message_id)) WITHOUT ROWID",
    };

    /**
     * Version 6: each message's top-level header bytes as stored in its blob ({@link HeaderCapture}), so IMAP header
     * keys and header FETCHes read one column instead of opening a file per message. NULL when the header is longer
     * than {@link HeaderCapture#MAX_BYTES} and for every row stored before it: readers then go to the blob.
     */
    private static final String[] V6 = {
        "ALTER TABLE message ADD COLUMN header BLOB",
    };

    /**
     * Version 7 (DESIGN.md section 6): the slot's outbound queue, so submitted mail is replicated and fails over with
     * the slot. An entry ({@code outbound}) names its body by hash like a message row (the body stays while the entry
     * does); each recipient ({@code outbound_rcpt}) has its own state (0 pending, 1 delivered, 2 failed), attempts,
     * next attempt time and the last answer about it, which the final delivery status notification reports.
     */
    private static final String[] V7 = {
        "CREATE TABLE IF NOT EXISTS outbound(id INTEGER PRIMARY KEY AUTOINCREMENT, account_id INTEGER NOT NULL,"
                + " sender TEXT NOT NULL, blob_hash TEXT NOT NULL, size INTEGER NOT NULL, created_at INTEGER NOT NULL,"
                + " expires_at INTEGER NOT NULL, delay_notice_sent INTEGER NOT NULL DEFAULT 0)",
        "CREATE INDEX IF NOT EXISTS outbound_blob ON outbound(blob_hash)",
        "CREATE INDEX IF NOT EXISTS outbound_account ON outbound(account_id)",
        "CREATE TABLE IF NOT EXISTS outbound_rcpt(queue_id INTEGER NOT NULL, address TEXT NOT NULL,"
                + " state INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,"
                + " next_attempt_at INTEGER NOT NULL, status TEXT, diagnostic TEXT, remote_mta TEXT,"
                + " PRIMARY KEY(queue_id, address)) WITHOUT ROWID",
        "CREATE INDEX IF NOT EXISTS outbound_due ON outbound_rcpt(next_attempt_at) WHERE state = 0",
    };

    private static final String[][] MIGRATIONS = {V2, V3, V4, V5, V6, V7};

    /** The meta rows that belong to the copy, not to the slot's content: a full resync keeps them. */
    static final Set<String> OWN_META = Set.of("schema_version", "epoch");

    /**
     * The other meta rows, with the values {@code DDL} gives a new slot: replicated content that the log changes only
     * by updates, so a copy emptied for a full resync must start from exactly these ({@link CopyReset}).
     */
    static final Map<String, Long> CONTENT_META_START = Map.of("last_uid_validity", 0L, "next_email_id", 1L);

    private Schema() {}

    static void apply(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String sql : DDL) {
                st.execute(sql);
            }
            c.commit();
            int version = version(st);
            if (version > VERSION) {
                throw new StoreException(StoreException.Reason.IO, "slot.db has schema version " + version
                        + ", newer than this build (" + VERSION + ")");
            }
            for (int v = version + 1; v <= VERSION; v++) {
                for (String sql : MIGRATIONS[v - 2]) {
                    st.execute(sql);
                }
                st.execute("UPDATE meta SET value = " + v + " WHERE key = 'schema_version'");
                c.commit(); // each step is one transaction: a crash leaves the previous version intact
            }
        }
    }

    private static int version(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT value FROM meta WHERE key = 'schema_version'")) {
            return rs.next() ? rs.getInt(1) : 1;
        }
    }
}
