package org.mailslot.store;

import java.sql.SQLException;
import java.util.Map;

/**
 * Empties a replica copy for a full resync (DESIGN.md section 5, invariant 4), inside the writer's transaction:
 * every replicated table, the meta rows back to a new slot's values, the change log and its high-water mark. After
 * it the copy is at seq 0 and takes the master's whole log from seq 1 like a new copy. Bodies are not touched.
 */
final class CopyReset {
    private CopyReset() {}

    static void run(Tx tx, Map<String, RowCapture.Table> tables) throws SQLException {
        for (RowCapture.Table t : tables.values()) {
            if (t.name().equals("meta")) {
                tx.update("DELETE FROM main.meta WHERE key NOT IN ('" + String.join("', '", Schema.OWN_META) + "')");
                for (Map.Entry<String, Long> start : Schema.CONTENT_META_START.entrySet()) {
                    tx.update("INSERT INTO main.meta(key, value) VALUES (?, ?)", start.getKey(), start.getValue());
                }
            } else {
                // mailbox's AUTOINCREMENT high-water mark stays: an id this copy ever gave out is never reused
                tx.update("DELETE FROM main." + t.name());
            }
        }
        tx.update("DELETE FROM main.change_log");
        tx.update("UPDATE main.sqlite_sequence SET seq = 0 WHERE name = 'change_log'");
        RowCapture.drain(tx.c()); // the wipe is this copy's own business, not a change to log or ship
    }
}
