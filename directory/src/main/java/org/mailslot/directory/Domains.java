package org.mailslot.directory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The domains table. */
final class Domains {

    private final Database db;
    private final Clock clock;

    Domains(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    Domain add(String name) {
        String domain = Addresses.domain(name);
        Instant now = Instant.ofEpochMilli(clock.millis());
        return db.write(c -> {
            if (exists(c, domain)) {
                throw DirectoryException.exists("domain " + domain);
            }
            try (var st = c.prepareStatement("INSERT INTO domains (name, created) VALUES (?, ?)")) {
                st.setString(1, domain);
                st.setLong(2, now.toEpochMilli());
                st.executeUpdate();
            }
            return new Domain(domain, now);
        });
    }

    void remove(String name) {
        String domain = Addresses.domain(name);
        db.write(c -> {
            if (!exists(c, domain)) {
                throw DirectoryException.notFound("domain " + domain);
            }
            long accounts = count(c, "SELECT COUNT(*) FROM accounts WHERE domain = ?", domain);
            long aliases = count(c, "SELECT COUNT(*) FROM aliases WHERE domain = ?", domain);
            if (accounts > 0 || aliases > 0) {
                throw new DirectoryException(DirectoryException.Reason.NOT_EMPTY, "domain " + domain + " still has "
                        + accounts + " accounts and " + aliases + " aliases");
            }
            try (var st = c.prepareStatement("DELETE FROM domains WHERE name = ?")) {
                st.setString(1, domain);
                st.executeUpdate();
            }
            return null;
        });
    }

    List<Domain> list() {
        return db.read(c -> {
            try (var st = c.prepareStatement("SELECT name, created FROM domains ORDER BY name");
                 var rs = st.executeQuery()) {
                List<Domain> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new Domain(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2))));
                }
                return out;
            }
        });
    }

    boolean isHosted(String name) {
        String domain;
        try {
            domain = Addresses.domain(name);
        } catch (DirectoryException e) {
            return false;
        }
        return db.read(c -> exists(c, domain));
    }

    /** Throws NOT_FOUND naming the domain unless it is hosted. */
    static void requireHosted(Connection c, String domain) throws SQLException {
        if (!exists(c, domain)) {
            throw new DirectoryException(DirectoryException.Reason.NOT_FOUND, "domain " + domain + " is not hosted here");
        }
    }

    static boolean exists(Connection c, String domain) throws SQLException {
        try (var st = c.prepareStatement("SELECT 1 FROM domains WHERE name = ?")) {
            st.setString(1, domain);
            try (var rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static long count(Connection c, String sql, String arg) throws SQLException {
        try (var st = c.prepareStatement(sql)) {
            st.setString(1, arg);
            try (var rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
