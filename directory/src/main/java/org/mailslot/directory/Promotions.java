package org.mailslot.directory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;

/**
 * The two writes replication and failover make to the slot map (DESIGN.md section 5): the replica's in-sync flag,
 * changed only at the epoch the writer knows (a master that was replaced finds out here), and promotion, one
 * transaction that bumps the epoch and swaps master and replica (invariant 3).
 */
final class Promotions {
    private final Database db;
    private final Clock clock;

    Promotions(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** False when the slot is no longer at {@code epoch}; an out-of-sync transition is recorded as an event. */
    boolean markInSync(int slot, long epoch, boolean inSync, String reason) {
        long now = clock.millis();
        return db.write(c -> {
            Slot s = read(c, slot).orElseThrow(() -> DirectoryException.notFound("slot " + slot));
            if (s.epoch() != epoch) {
                return false;
            }
            if (s.inSync() == inSync) {
                return true;
            }
            try (var st = c.prepareStatement("UPDATE slots SET in_sync = ? WHERE id = ? AND epoch = ?")) {
                st.setBoolean(1, inSync);
                st.setInt(2, slot);
                st.setLong(3, epoch);
                st.executeUpdate();
            }
            SlotEvents.insert(c, slot, now, inSync ? "replica-in-sync" : "replica-out-of-sync",
                    reason == null ? null : truncate(reason));
            return true;
        });
    }

    /**
     * Makes the replica the master at epoch + 1 and the old master its replica, in one transaction.
     *
     * @param expectedEpoch the epoch the caller saw (0: any), so two operators cannot both promote
     * @param force         promote even an out-of-sync replica; recorded, with the replication positions both
     *                      copies last reported, as a "forced-promotion" event (the writes it may lack)
     * @param planned       a switchover: the caller stopped the master's writes and saw the replica confirm the
     *                      last seq, so the old master is an in-sync replica at once; otherwise it is out of sync
     */
    Slot promote(int slot, long expectedEpoch, boolean force, boolean planned, String why) {
        long now = clock.millis();
        return db.write(c -> {
            Slot s = read(c, slot).orElseThrow(() -> DirectoryException.notFound("slot " + slot));
            if (expectedEpoch != 0 && s.epoch() != expectedEpoch) {
                throw DirectoryException.invalid("slot " + slot + " is at epoch " + s.epoch() + ", not "
                        + expectedEpoch + ": someone changed it meanwhile; look again");
            }
            if (s.replicaNode() == null) {
                throw DirectoryException.invalid("slot " + slot + " has no replica to promote");
            }
            if (!s.inSync() && !force) {
                throw DirectoryException.invalid("slot " + slot + "'s replica on " + s.replicaNode()
                        + " is out of sync and may lack acknowledged writes; use --force to promote it anyway");
            }
            try (var st = c.prepareStatement("UPDATE slots SET master_node = ?, replica_node = ?, epoch = ?,"
                    + " in_sync = ?, lease_owner = NULL, lease_until = NULL, switchover_at = NULL"
                    + " WHERE id = ? AND epoch = ?")) {
                st.setString(1, s.replicaNode());
                st.setString(2, s.masterNode());
                st.setLong(3, s.epoch() + 1);
                st.setBoolean(4, planned && s.inSync());
                st.setInt(5, slot);
                st.setLong(6, s.epoch());
                if (st.executeUpdate() != 1) {
                    throw DirectoryException.invalid("slot " + slot + " changed meanwhile; look again");
                }
            }
            String detail = (planned ? "switchover" : "failover") + " from " + s.masterNode() + " to "
                    + s.replicaNode() + ", epoch " + s.epoch() + " -> " + (s.epoch() + 1)
                    + (why == null || why.isBlank() ? "" : ": " + why);
            if (!s.inSync()) {
                detail += "; replica was out of sync (" + positions(c, slot, s) + "): writes acknowledged after it"
                        + " fell behind may be lost";
            }
            SlotEvents.insert(c, slot, now, s.inSync() ? (planned ? "switchover" : "failover") : "forced-promotion",
                    truncate(detail));
            return read(c, slot).orElseThrow();
        });
    }

    /**
     * Gives the slot a new replica node: the master (told by its next role refresh) starts shipping to it, from an
     * empty copy, and records it in sync once it has every change. Out of sync until then, so it is never promoted
     * with writes missing. The old replica's node fences its copy when it next reads the map.
     */
    Slot moveReplica(int slot, long expectedEpoch, String newReplica) {
        long now = clock.millis();
        return db.write(c -> {
            Slot s = read(c, slot).orElseThrow(() -> DirectoryException.notFound("slot " + slot));
            if (s.epoch() != expectedEpoch) {
                throw DirectoryException.invalid("slot " + slot + " is at epoch " + s.epoch() + ", not " + expectedEpoch
                        + ": someone changed it meanwhile; look again");
            }
            if (newReplica.equals(s.masterNode()) || newReplica.equals(s.replicaNode())) {
                throw DirectoryException.invalid("node " + newReplica + " already holds a copy of slot " + slot);
            }
            try (var st = c.prepareStatement("SELECT 1 FROM nodes WHERE name = ?")) {
                st.setString(1, newReplica);
                try (var rs = st.executeQuery()) {
                    if (!rs.next()) {
                        throw DirectoryException.notFound("node " + newReplica);
                    }
                }
            }
            try (var st = c.prepareStatement("UPDATE slots SET replica_node = ?, in_sync = ? WHERE id = ? AND epoch = ?")) {
                st.setString(1, newReplica);
                st.setBoolean(2, false);
                st.setInt(3, slot);
                st.setLong(4, s.epoch());
                st.executeUpdate();
            }
            SlotEvents.insert(c, slot, now, "replica-moved", "replica from " + s.replicaNode() + " to " + newReplica
                    + "; out of sync until it has copied the slot");
            return read(c, slot).orElseThrow();
        });
    }

    /**
     * Asks the slot's master to hand over to its replica (a planned switchover, invariant 6). Refused when there is
     * no replica or it is out of sync: only a failover (which may lose writes) can promote that one.
     */
    void requestSwitchover(int slot) {
        long now = clock.millis();
        db.write(c -> {
            Slot s = read(c, slot).orElseThrow(() -> DirectoryException.notFound("slot " + slot));
            if (s.replicaNode() == null) {
                throw DirectoryException.invalid("slot " + slot + " has no replica to switch over to");
            }
            if (!s.inSync()) {
                throw DirectoryException.invalid("slot " + slot + "'s replica on " + s.replicaNode()
                        + " is out of sync; a switchover would wait for it: let it catch up (slot list shows LAG)");
            }
            try (var st = c.prepareStatement("UPDATE slots SET switchover_at = ? WHERE id = ? AND epoch = ?")) {
                st.setLong(1, now);
                st.setInt(2, slot);
                st.setLong(3, s.epoch());
                st.executeUpdate();
            }
            return null;
        });
    }

    /** The slots whose switchover was asked for and has not happened yet, ascending. */
    java.util.List<Integer> pendingSwitchovers() {
        return db.read(c -> {
            try (var st = c.prepareStatement("SELECT id FROM slots WHERE switchover_at IS NOT NULL ORDER BY id");
                 var rs = st.executeQuery()) {
                java.util.List<Integer> out = new java.util.ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getInt(1));
                }
                return out;
            }
        });
    }

    private static String positions(Connection c, int slot, Slot s) throws SQLException {
        StringBuilder out = new StringBuilder();
        for (String node : new String[] {s.masterNode(), s.replicaNode()}) {
            try (var st = c.prepareStatement("SELECT applied_seq FROM slot_copies WHERE slot_id = ? AND node = ?")) {
                st.setInt(1, slot);
                st.setString(2, node);
                try (var rs = st.executeQuery()) {
                    out.append(out.isEmpty() ? "" : ", ").append(node).append(" last reported seq ")
                            .append(rs.next() ? Long.toString(rs.getLong(1)) : "unknown");
                }
            }
        }
        return out.toString();
    }

    private static Optional<Slot> read(Connection c, int slot) throws SQLException {
        try (var st = c.prepareStatement("SELECT id, master_node, replica_node, epoch, in_sync FROM slots WHERE id = ?")) {
            st.setInt(1, slot);
            try (var rs = st.executeQuery()) {
                return rs.next() ? Optional.of(new Slot(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        rs.getBoolean(5))) : Optional.empty();
            }
        }
    }

    private static String truncate(String s) {
        return s.length() <= SlotEvents.MAX_DETAIL_CHARS ? s : s.substring(0, SlotEvents.MAX_DETAIL_CHARS);
    }
}
