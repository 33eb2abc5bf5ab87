package org.mailslot.directory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Scrub requests in {@code slots.scrub_at} and their outcome in the slot's history (DESIGN.md section 5, invariant 5):
 * an operator asks, the slot's master node scrubs and records a "scrub" event that clears the request it answers.
 */
final class Scrubs {
    static final String EVENT = "scrub";

    private final Database db;
    private final Clock clock;

    Scrubs(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Asks for a scrub; a request already pending stays as it was (asking twice is asking once). */
    ScrubRequest request(int slot) {
        long now = clock.millis();
        return db.write(c -> {
            SlotCopies.requireSlot(c, slot);
            try (var st = c.prepareStatement("UPDATE slots SET scrub_at = ? WHERE id = ? AND scrub_at IS NULL")) {
                st.setLong(1, now);
                st.setInt(2, slot);
                st.executeUpdate();
            }
            return new ScrubRequest(slot, Instant.ofEpochMilli(requestedAt(c, slot)));
        });
    }

    List<ScrubRequest> pending() {
        return db.read(c -> {
            try (var st = c.prepareStatement("SELECT id, scrub_at FROM slots WHERE scrub_at IS NOT NULL ORDER BY id");
                 var rs = st.executeQuery()) {
                List<ScrubRequest> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new ScrubRequest(rs.getInt(1), Instant.ofEpochMilli(rs.getLong(2))));
                }
                return out;
            }
        });
    }

    /**
     * Records a scrub's outcome as a "scrub" event and, in the same transaction, clears {@code answered} if it is still
     * the slot's pending request (null: a scheduled scrub, which answers none).
     */
    SlotEvent record(int slot, ScrubRequest answered, String detail) {
        long now = clock.millis();
        return db.write(c -> {
            SlotEvent event = SlotEvents.insert(c, slot, now, EVENT, detail == null
                    || detail.length() <= SlotEvents.MAX_DETAIL_CHARS ? detail
                    : detail.substring(0, SlotEvents.MAX_DETAIL_CHARS));
            if (answered != null) {
                try (var st = c.prepareStatement("UPDATE slots SET scrub_at = NULL WHERE id = ? AND scrub_at = ?")) {
                    st.setInt(1, slot);
                    st.setLong(2, answered.requestedAt().toEpochMilli());
                    st.executeUpdate();
                }
            }
            return event;
        });
    }

    private static long requestedAt(Connection c, int slot) throws SQLException {
        try (var st = c.prepareStatement("SELECT scrub_at FROM slots WHERE id = ?")) {
            st.setInt(1, slot);
            try (var rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
