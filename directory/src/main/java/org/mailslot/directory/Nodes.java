package org.mailslot.directory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The nodes table: names, addresses, roles, states and heartbeats of the servers of a deployment. */
final class Nodes {

    static final int MAX_NODE_ADDRESS_CHARS = 255;
    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final String COLUMNS = "name, address, roles, state, heartbeat_at";

    private final Database db;
    private final Clock clock;

    Nodes(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Adds a store node or updates its address; the roles of a known node stay as they are. */
    Node register(String name, String address) {
        checkName(name);
        checkAddress(name, address);
        long now = clock.millis();
        return db.write(c -> {
            try (var st = c.prepareStatement("INSERT INTO nodes (name, address, created, updated, roles)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET address = excluded.address,"
                    + " updated = excluded.updated")) {
                st.setString(1, name);
                st.setString(2, address);
                st.setLong(3, now);
                st.setLong(4, now);
                st.setString(5, NodeRole.STORE.text());
                st.executeUpdate();
            }
            return find(c, name);
        });
    }

    /** EXISTS when a node of that name is known already. */
    Node add(String name, String address, Set<NodeRole> roles) {
        checkName(name);
        checkAddress(name, address);
        if (roles == null || roles.isEmpty()) {
            throw DirectoryException.invalid("node " + name + " needs at least one role (front, monitor, store)");
        }
        long now = clock.millis();
        return db.write(c -> {
            if (exists(c, name)) {
                throw DirectoryException.exists("node " + name);
            }
            try (var st = c.prepareStatement("INSERT INTO nodes (name, address, created, updated, roles)"
                    + " VALUES (?, ?, ?, ?, ?)")) {
                st.setString(1, name);
                st.setString(2, address);
                st.setLong(3, now);
                st.setLong(4, now);
                st.setString(5, rolesText(roles));
                st.executeUpdate();
            }
            return find(c, name);
        });
    }

    List<Node> list() {
        return db.read(Nodes::list);
    }

    void heartbeat(String name, Instant at) {
        update(name, "heartbeat_at = ?", at.toEpochMilli());
    }

    void setState(String name, NodeState state) {
        update(name, "state = ?", state.text());
    }

    private void update(String name, String assignment, Object value) {
        checkName(name);
        long now = clock.millis();
        db.write(c -> {
            try (var st = c.prepareStatement("UPDATE nodes SET " + assignment + ", updated = ? WHERE name = ?")) {
                st.setObject(1, value);
                st.setLong(2, now);
                st.setString(3, name);
                if (st.executeUpdate() == 0) {
                    throw DirectoryException.notFound("node " + name);
                }
            }
            return null;
        });
    }

    static List<Node> list(Connection c) throws SQLException {
        try (var st = c.prepareStatement("SELECT " + COLUMNS + " FROM nodes ORDER BY name");
             var rs = st.executeQuery()) {
            List<Node> out = new ArrayList<>();
            while (rs.next()) {
                out.add(node(rs));
            }
            return out;
        }
    }

    /** Names of the nodes with the store role, sorted. */
    static List<String> storeNames(Connection c) throws SQLException {
        return list(c).stream().filter(Node::isStore).map(Node::name).toList();
    }

    static boolean exists(Connection c, String name) throws SQLException {
        try (var st = c.prepareStatement("SELECT 1 FROM nodes WHERE name = ?")) {
            st.setString(1, name);
            try (var rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    static void checkName(String name) {
        if (name == null || !NODE_NAME.matcher(name).matches()) {
            throw DirectoryException.invalid("node name " + (name == null ? "null" : Addresses.printable(name))
                    + " must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    private static void checkAddress(String name, String address) {
        if (address == null || address.isBlank() || address.length() > MAX_NODE_ADDRESS_CHARS
                || address.chars().anyMatch(ch -> ch <= ' ' || ch == 127)) {
            throw DirectoryException.invalid("node " + name + " needs an address without spaces of at most "
                    + MAX_NODE_ADDRESS_CHARS + " characters");
        }
    }

    private static Node find(Connection c, String name) throws SQLException {
        try (var st = c.prepareStatement("SELECT " + COLUMNS + " FROM nodes WHERE name = ?")) {
            st.setString(1, name);
            try (var rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw DirectoryException.notFound("node " + name);
                }
                return node(rs);
            }
        }
    }

    private static Node node(ResultSet rs) throws SQLException {
        long heartbeat = rs.getLong(5);
        Instant lastHeartbeat = rs.wasNull() ? null : Instant.ofEpochMilli(heartbeat);
        return new Node(rs.getString(1), rs.getString(2), parseRoles(rs.getString(3)),
                NodeState.fromText(rs.getString(4)), lastHeartbeat);
    }

    static String rolesText(Set<NodeRole> roles) {
        return EnumSet.copyOf(roles).stream().map(NodeRole::text).collect(Collectors.joining(","));
    }

    private static Set<NodeRole> parseRoles(String text) {
        Set<NodeRole> roles = EnumSet.noneOf(NodeRole.class);
        if (text != null && !text.isBlank()) {
            for (String part : text.split(",")) {
                roles.add(NodeRole.parse(part));
            }
        }
        return roles;
    }
}
