package org.mailslot.directory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The slot_events table: a slot's history, kept for the operator and for post-mortems. */
final class SlotEvents {

    /** Short, stable words scripts can match: "replica-added", "failover", "forced-promotion". */
    private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    static final int MAX_DETAIL_CHARS = 4000;

    private final Database db;
    private final Clock clock;

    SlotEvents(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    SlotEvent record(int slot, String kind, String detail) {
        check(kind, detail);
        long now = clock.millis();
        return db.write(c -> insert(c, slot, now, kind, detail));
    }

    /** A slot's events, oldest first; NOT_FOUND when there is no such slot. */
    List<SlotEvent> list(int slot) {
        return db.read(c -> {
            SlotCopies.requireSlot(c, slot);
            try (var st = c.prepareStatement("SELECT id, slot_id, at, kind, detail FROM slot_events WHERE slot_id = ?"
                    + " ORDER BY id")) {
                st.setInt(1, slot);
                try (var rs = st.executeQuery()) {
                    List<SlotEvent> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(new SlotEvent(rs.getLong(1), rs.getInt(2), Instant.ofEpochMilli(rs.getLong(3)),
                                rs.getString(4), rs.getString(5)));
                    }
                    return out;
                }
            }
        });
    }

    /** Records an event inside a caller's transaction, so that the change and its record commit together. */
    static SlotEvent insert(Connection c, int slot, long at, String kind, String detail) throws SQLException {
        check(kind, detail);
        SlotCopies.requireSlot(c, slot);
        try (var st = c.prepareStatement("INSERT INTO slot_events (slot_id, at, kind, detail) VALUES (?, ?, ?, ?)"
                + " RETURNING id")) {
            st.setInt(1, slot);
            st.setLong(2, at);
            st.setString(3, kind);
            st.setString(4, detail);
            try (var rs = st.executeQuery()) {
                rs.next();
                return new SlotEvent(rs.getLong(1), slot, Instant.ofEpochMilli(at), kind, detail);
            }
        }
    }

    private static void check(String kind, String detail) {
        if (kind == null || !KIND.matcher(kind).matches()) {
            throw DirectoryException.invalid("slot event kind " + (kind == null ? "null" : Addresses.printable(kind))
                    + " must be a lower-case word of at most 32 letters, digits or '-'");
        }
        if (detail != null && detail.length() > MAX_DETAIL_CHARS) {
            throw DirectoryException.invalid("slot event detail is longer than " + MAX_DETAIL_CHARS + " characters");
        }
    }
}
