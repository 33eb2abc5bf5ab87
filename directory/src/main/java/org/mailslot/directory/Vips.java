package org.mailslot.directory;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The vips and vip_fronts tables: service addresses, which front holds each, and the fronts' VIP heartbeats. Every
 * change of a holder is a compare-and-set on the row, so two VIP managers (or a manager and a releasing owner) that
 * race cannot both win.
 */
final class Vips {

    /** Linux interface names: at most 15 bytes (IFNAMSIZ less the NUL), no '/', no space, not "." or "..". */
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.:@-]{1,15}");
    private static final String COLUMNS = "address, interface, owner, owner_since, moving_to, created";
    private static final Comparator<Vip> BY_ADDRESS = Comparator.comparing(v -> parse(v.address()),
            Comparator.<InetAddress>comparingInt(a -> a.getAddress().length)
                    .thenComparing(InetAddress::getAddress, Arrays::compareUnsigned));

    private final Database db;
    private final Clock clock;

    Vips(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    Vip add(String address, String interfaceName) {
        String canonical = canonical(address);
        if (interfaceName != null && (!INTERFACE.matcher(interfaceName).matches() || interfaceName.equals(".")
                || interfaceName.equals(".."))) {
            throw DirectoryException.invalid("interface " + Addresses.printable(interfaceName) + " of VIP " + canonical
                    + " must be a network interface name of 1 to 15 letters, digits, '_', '.', ':', '@' or '-'");
        }
        long now = clock.millis();
        return db.write(c -> {
            if (find(c, canonical) != null) {
                throw DirectoryException.exists("VIP " + canonical);
            }
            try (var st = c.prepareStatement("INSERT INTO vips (address, interface, created, updated)"
                    + " VALUES (?, ?, ?, ?)")) {
                st.setString(1, canonical);
                st.setString(2, interfaceName);
                st.setLong(3, now);
                st.setLong(4, now);
                st.executeUpdate();
            }
            return find(c, canonical);
        });
    }

    void remove(String address) {
        String canonical = canonical(address);
        db.write(c -> {
            try (var st = c.prepareStatement("DELETE FROM vips WHERE address = ?")) {
                st.setString(1, canonical);
                if (st.executeUpdate() == 0) {
                    throw DirectoryException.notFound("VIP " + canonical);
                }
            }
            return null;
        });
    }

    /** By address: IPv4 before IPv6, each in numeric order. */
    List<Vip> list() {
        List<Vip> out = db.read(c -> {
            try (var st = c.prepareStatement("SELECT " + COLUMNS + " FROM vips"); var rs = st.executeQuery()) {
                List<Vip> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(vip(rs));
                }
                return rows;
            }
        });
        out.sort(BY_ADDRESS);
        return out;
    }

    void heartbeat(String node, Instant atOrNull) {
        Nodes.checkName(node);
        db.write(c -> {
            if (!Nodes.exists(c, node)) {
                throw DirectoryException.notFound("node " + node);
            }
            try (var st = c.prepareStatement("INSERT INTO vip_fronts (node, heartbeat_at) VALUES (?, ?)"
                    + " ON CONFLICT (node) DO UPDATE SET heartbeat_at = excluded.heartbeat_at")) {
                st.setString(1, node);
                st.setObject(2, atOrNull == null ? null : atOrNull.toEpochMilli(), java.sql.Types.BIGINT);
                st.executeUpdate();
            }
            return null;
        });
    }

    /** Nodes with the front role or a VIP heartbeat, by name. */
    List<VipFront> fronts() {
        return db.read(c -> {
            List<Node> nodes = Nodes.list(c);
            java.util.Map<String, Long> beats = new java.util.HashMap<>();
            try (var st = c.prepareStatement("SELECT node, heartbeat_at FROM vip_fronts"); var rs = st.executeQuery()) {
                while (rs.next()) {
                    String node = rs.getString(1);
                    long at = rs.getLong(2);
                    beats.put(node, rs.wasNull() ? null : at);
                }
            }
            List<VipFront> out = new ArrayList<>();
            for (Node n : nodes) {
                boolean front = n.roles().contains(NodeRole.FRONT);
                if (front || beats.containsKey(n.name())) {
                    Long at = beats.get(n.name());
                    out.add(new VipFront(n.name(), front, n.state(), at == null ? null : Instant.ofEpochMilli(at)));
                }
            }
            return out;
        });
    }

    /** Sets the holder to {@code newOwner} (null: nobody) if it is still {@code expectedOwner}; clears any move. */
    boolean assign(String address, String expectedOwner, String newOwner) {
        String canonical = canonical(address);
        long now = clock.millis();
        return db.write(c -> {
            if (newOwner != null && !Nodes.exists(c, newOwner)) {
                throw DirectoryException.notFound("node " + newOwner);
            }
            Vip row = existing(c, canonical);
            if (!java.util.Objects.equals(row.owner(), expectedOwner)) {
                return false;
            }
            return setOwner(c, canonical, newOwner, now);
        });
    }

    /** Asks the live holder {@code owner} to hand the VIP to {@code movingTo} (null: cancels a planned move). */
    boolean planMove(String address, String owner, String movingTo) {
        String canonical = canonical(address);
        if (owner == null || owner.equals(movingTo)) {
            throw DirectoryException.invalid("a move of VIP " + canonical + " needs an owner and another node to go to");
        }
        long now = clock.millis();
        return db.write(c -> {
            if (movingTo != null && !Nodes.exists(c, movingTo)) {
                throw DirectoryException.notFound("node " + movingTo);
            }
            Vip row = existing(c, canonical);
            if (!owner.equals(row.owner())) {
                return false;
            }
            try (var st = c.prepareStatement("UPDATE vips SET moving_to = ?, updated = ? WHERE address = ?")) {
                st.setString(1, movingTo);
                st.setLong(2, now);
                st.setString(3, canonical);
                st.executeUpdate();
            }
            return true;
        });
    }

    /**
     * The holder {@code owner}, having removed the address, hands the VIP to its planned next owner (or to nobody when
     * no move is planned) — if it still holds it and the plan is still {@code expectedMovingTo}.
     */
    boolean release(String address, String owner, String expectedMovingTo) {
        String canonical = canonical(address);
        long now = clock.millis();
        return db.write(c -> {
            Vip row = find(c, canonical);
            if (row == null || !java.util.Objects.equals(row.owner(), owner)
                    || !java.util.Objects.equals(row.movingTo(), expectedMovingTo)) {
                return false;
            }
            return setOwner(c, canonical, expectedMovingTo, now);
        });
    }

    private static boolean setOwner(Connection c, String address, String owner, long now) throws SQLException {
        try (var st = c.prepareStatement("UPDATE vips SET owner = ?, owner_since = ?, moving_to = NULL, updated = ?"
                + " WHERE address = ?")) {
            st.setString(1, owner);
            st.setObject(2, owner == null ? null : now, java.sql.Types.BIGINT);
            st.setLong(3, now);
            st.setString(4, address);
            return st.executeUpdate() == 1;
        }
    }

    private static Vip existing(Connection c, String address) throws SQLException {
        Vip row = find(c, address);
        if (row == null) {
            throw DirectoryException.notFound("VIP " + address);
        }
        return row;
    }

    private static Vip find(Connection c, String address) throws SQLException {
        try (var st = c.prepareStatement("SELECT " + COLUMNS + " FROM vips WHERE address = ?")) {
            st.setString(1, address);
            try (var rs = st.executeQuery()) {
                return rs.next() ? vip(rs) : null;
            }
        }
    }

    private static Vip vip(ResultSet rs) throws SQLException {
        long since = rs.getLong(4);
        Instant ownerSince = rs.wasNull() ? null : Instant.ofEpochMilli(since);
        return new Vip(rs.getString(1), rs.getString(2), rs.getString(3), ownerSince, rs.getString(5),
                Instant.ofEpochMilli(rs.getLong(6)));
    }

    /**
     * The canonical text of an IP address literal (IPv6 compressed as RFC 5952 says); INVALID for anything else, a
     * scoped IPv6 address, or an address nobody can serve on (unspecified, multicast, broadcast).
     */
    static String canonical(String address) {
        InetAddress a = address == null || address.contains("%") ? null : literal(address.strip());
        if (a == null) {
            throw DirectoryException.invalid("VIP " + (address == null ? "null" : Addresses.printable(address))
                    + " must be an IPv4 or IPv6 address, like 192.0.2.10 or 2001:db8::10");
        }
        if (a.isAnyLocalAddress() || a.isMulticastAddress() || Arrays.equals(a.getAddress(), new byte[]{-1, -1, -1, -1})) {
            throw DirectoryException.invalid("VIP " + Addresses.printable(address)
                    + " is an unspecified, multicast or broadcast address, which no front can serve on");
        }
        return a instanceof Inet6Address v6 ? compressed(v6.getAddress()) : a.getHostAddress();
    }

    private static InetAddress parse(String canonical) {
        return literal(canonical);
    }

    private static InetAddress literal(String text) {
        try {
            return InetAddress.ofLiteral(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** RFC 5952 section 4: lower-case hex, no leading zeros, the longest run of two or more zero groups as "::". */
    private static String compressed(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }
}
