package org.mailslot.directory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The slot_copies table: each copy's replication position, as its node reports it. */
final class SlotCopies {

    private final Database db;
    private final Clock clock;

    SlotCopies(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    CopyPosition report(int slot, String node, long appliedSeq, long lagMs) {
        Nodes.checkName(node);
        if (appliedSeq < 0 || lagMs < 0) {
            throw DirectoryException.invalid("the copy of slot " + slot + " on node " + node
                    + " reported a negative position or lag (" + appliedSeq + ", " + lagMs + " ms)");
        }
        long now = clock.millis();
        return db.write(c -> {
            requireSlot(c, slot);
            if (!Nodes.exists(c, node)) {
                throw DirectoryException.notFound("node " + node);
            }
            try (var st = c.prepareStatement("INSERT INTO slot_copies (slot_id, node, applied_seq, lag_ms, updated)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (slot_id, node) DO UPDATE SET"
                    + " applied_seq = excluded.applied_seq, lag_ms = excluded.lag_ms, updated = excluded.updated")) {
                st.setInt(1, slot);
                st.setString(2, node);
                st.setLong(3, appliedSeq);
                st.setLong(4, lagMs);
                st.setLong(5, now);
                st.executeUpdate();
            }
            return new CopyPosition(slot, node, appliedSeq, lagMs, Instant.ofEpochMilli(now));
        });
    }

    /** Every reported copy, by slot then node. */
    List<CopyPosition> list() {
        return db.read(c -> {
            try (var st = c.prepareStatement("SELECT slot_id, node, applied_seq, lag_ms, updated FROM slot_copies"
                    + " ORDER BY slot_id, node");
                 var rs = st.executeQuery()) {
                List<CopyPosition> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new CopyPosition(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                            Instant.ofEpochMilli(rs.getLong(5))));
                }
                return out;
            }
        });
    }

    static void requireSlot(Connection c, int slot) throws SQLException {
        try (var st = c.prepareStatement("SELECT 1 FROM slots WHERE id = ?")) {
            st.setInt(1, slot);
            try (var rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw DirectoryException.notFound("slot " + slot);
                }
            }
        }
    }
}
