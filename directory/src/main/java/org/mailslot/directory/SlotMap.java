package org.mailslot.directory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The nodes and slots tables: which node holds which copy of each slot, at which epoch. */
final class SlotMap {

    /** Most slots one deployment may have; placement and the admin CLI list them all. */
    static final int MAX_SLOTS = 16_384;
    static final int MAX_NODE_ADDRESS_CHARS = 255;
    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final String SLOT_COLUMNS = "id, master_node, replica_node, epoch, in_sync";

    private final Database db;
    private final Clock clock;

    SlotMap(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    Node registerNode(String name, String address) {
        checkNodeName(name);
        if (address == null || address.isBlank() || address.length() > MAX_NODE_ADDRESS_CHARS
                || address.chars().anyMatch(ch -> ch <= ' ' || ch == 127)) {
            throw DirectoryException.invalid("node " + name + " needs an address without spaces of at most "
                    + MAX_NODE_ADDRESS_CHARS + " characters");
        }
        long now = clock.millis();
        return db.write(c -> {
            try (var st = c.prepareStatement("INSERT INTO nodes (name, address, created, updated) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (name) DO UPDATE SET address = excluded.address, updated = excluded.updated")) {
                st.setString(1, name);
                st.setString(2, address);
                st.setLong(3, now);
                st.setLong(4, now);
                st.executeUpdate();
            }
            return new Node(name, address);
        });
    }

    List<Node> listNodes() {
        return db.read(c -> {
            try (var st = c.prepareStatement("SELECT name, address FROM nodes ORDER BY name");
                 var rs = st.executeQuery()) {
                List<Node> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new Node(rs.getString(1), rs.getString(2)));
                }
                return out;
            }
        });
    }

    void ensureSlots(String masterNode, int count) {
        checkNodeName(masterNode);
        if (count < 0 || count > MAX_SLOTS) {
            throw DirectoryException.invalid("the slot count must be between 0 and " + MAX_SLOTS + ", was " + count);
        }
        db.write(c -> {
            if (!nodeExists(c, masterNode)) {
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
        return db.read(c -> {
            try (var st = c.prepareStatement("SELECT " + SLOT_COLUMNS + " FROM slots ORDER BY id");
                 var rs = st.executeQuery()) {
                List<Slot> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(slot(rs));
                }
                return out;
            }
        });
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

    private static boolean nodeExists(Connection c, String name) throws SQLException {
        try (var st = c.prepareStatement("SELECT 1 FROM nodes WHERE name = ?")) {
            st.setString(1, name);
            try (var rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Slot slot(ResultSet rs) throws SQLException {
        String replica = rs.getString(3);
        return new Slot(rs.getInt(1), rs.getString(2), replica, rs.getLong(4), rs.getBoolean(5));
    }

    private static void checkNodeName(String name) {
        if (name == null || !NODE_NAME.matcher(name).matches()) {
            throw DirectoryException.invalid("node name " + (name == null ? "null" : Addresses.printable(name))
                    + " must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }
}
