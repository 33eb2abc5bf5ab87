package org.mailslot.directory;

import java.time.Clock;
import java.time.Duration;

/**
 * Named leases in the directory: at most one owner at a time, taken over only after the holder let it run out.
 * The cluster manager (automatic failover) is elected with one (DESIGN.md section 5, "Failover modes").
 */
final class Leases {
    private final Database db;
    private final Clock clock;

    Leases(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Takes or renews the lease for {@code ttl}; false when another owner holds it and it has not run out. */
    boolean acquire(String name, String owner, Duration ttl) {
        long now = clock.millis();
        long until = now + ttl.toMillis();
        return db.write(c -> {
            try (var st = c.prepareStatement("UPDATE leases SET owner = ?, until = ? WHERE name = ?"
                    + " AND (owner = ? OR until < ?)")) {
                st.setString(1, owner);
                st.setLong(2, until);
                st.setString(3, name);
                st.setString(4, owner);
                st.setLong(5, now);
                if (st.executeUpdate() == 1) {
                    return true;
                }
            }
            // no row yet, or a valid one of another owner (then this inserts nothing)
            try (var st = c.prepareStatement("INSERT INTO leases (name, owner, until) VALUES (?, ?, ?)"
                    + " ON CONFLICT (name) DO NOTHING")) {
                st.setString(1, name);
                st.setString(2, owner);
                st.setLong(3, until);
                return st.executeUpdate() == 1;
            }
        });
    }

    /** Gives the lease up if {@code owner} holds it, so that another may take it at once. */
    void release(String name, String owner) {
        db.write(c -> {
            try (var st = c.prepareStatement("DELETE FROM leases WHERE name = ? AND owner = ?")) {
                st.setString(1, name);
                st.setString(2, owner);
                st.executeUpdate();
            }
            return null;
        });
    }
}
