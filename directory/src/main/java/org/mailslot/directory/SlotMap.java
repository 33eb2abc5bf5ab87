package org.mailslot.directory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The slots table: which node holds which copy of each slot, at which epoch. */
final class SlotMap {

    /** Most slots one deployment may have; placement and the admin CLI list them all. */
    static final int MAX_SLOTS = 16_384;
    private static final String SLOT_COLUMNS = "id, master_node, replica_node, epoch, in_sync";

    private final Database db;

    SlotMap(Database db) {
        this.db = db;
    }

    void ensureSlots(String masterNode, int count) {
        Nodes.checkName(masterNode);
        if (count < 0 || count > MAX_SLOTS) {
            throw DirectoryException.invalid("the slot count must be between 0 and " + MAX_SLOTS + ", was " + count);
        }
        db.write(c -> {
            if (!Nodes.exists(c, masterNode)) {
                throw DirectoryException.notFound("node " + masterNode);
            }
            try (var existing = c.prepareStatement("SELECT 1 FROM slots WHERE id = ?");
                 var insert = c.prepareStatement("INSERT INTO slots (id, master_node, replica_node, epoch, in_sync)"
                         + " VALUES (?, ?, NULL, 1, ?)")) {
                for (int id = 1; id <= count; id++) {
                    existing.setInt(1, id);
                    try (var rs = existing.executeQuery()) {
                        if (rs.next()) {
                            continue;
                        }
                    }
                    insert.setInt(1, id);
                    insert.setString(2, masterNode);
                    insert.setBoolean(3, true);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return null;
        });
    }

    List<Slot> listSlots() {
        return db.read(SlotMap::list);
    }

    static List<Slot> list(Connection c) throws SQLException {
        try (var st = c.prepareStatement("SELECT " + SLOT_COLUMNS + " FROM slots ORDER BY id");
             var rs = st.executeQuery()) {
            List<Slot> out = new ArrayList<>();
            while (rs.next()) {
                out.add(slot(rs));
            }
            return out;
        }
    }

    Optional<Slot> slot(int id) {
        return db.read(c -> {
            try (var st = c.prepareStatement("SELECT " + SLOT_COLUMNS + " FROM slots WHERE id = ?")) {
                st.setInt(1, id);
                try (var rs = st.executeQuery()) {
                    return rs.next() ? Optional.of(slot(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Accounts per slot id, every slot listed (0 for empty ones), in slot order. */
    Map<Integer, Integer> accountsPerSlot() {
        return db.read(c -> {
            try (var st = c.prepareStatement("SELECT s.id, COUNT(a.id) FROM slots s LEFT JOIN accounts a"
                    + " ON a.slot_id = s.id GROUP BY s.id ORDER BY s.id");
                 var rs = st.executeQuery()) {
                Map<Integer, Integer> out = new LinkedHashMap<>();
                while (rs.next()) {
                    out.put(rs.getInt(1), rs.getInt(2));
                }
                return out;
            }
        });
    }

    private static Slot slot(ResultSet rs) throws SQLException {
        String replica = rs.getString(3);
        return new Slot(rs.getInt(1), rs.getString(2), replica, rs.getLong(4), rs.getBoolean(5));
    }
}
