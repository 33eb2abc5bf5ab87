package org.mailslot.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records every row the writer inserts, updates or deletes, so each change record carries the exact rows it
 * changed and a replica can apply it without re-running the mutation (no second implementation of any operation,
 * nothing that could come out differently). Temporary triggers on the writer's connection write an image of each
 * row (all columns after an insert or update, the key after a delete) to a temporary table in the same transaction;
 * a savepoint rollback removes them with the rows. Readers never see the triggers; the change log itself, SQLite's
 * own tables and the full-text index are not captured.
 */
final class RowCapture {
    /** The key of each replicated table: how a replica finds the row an image replaces or deletes. */
    static final Map<String, List<String>> KEYS = Map.of(
            "meta", List.of("key"),
            "account", List.of("id"),
            "mailbox", List.of("id"),
            "message", List.of("mailbox_id", "uid"),
            "thread_msgid", List.of("account_id", "message_id"),
            "outbound", List.of("id"),
            "outbound_rcpt", List.of("queue_id", "address"));

    /** Columns of each replicated table, in table order, and which hold BLOBs (hex in the JSON image). */
    record Table(String name, List<String> columns, List<String> blobColumns, List<String> key) {}

    private final Map<String, Table> tables;

    private RowCapture(Map<String, Table> tables) {
        this.tables = tables;
    }

    /** Reads the schema and installs the temporary triggers on {@code c} (the writer's connection). */
    static RowCapture install(Connection c) throws SQLException {
        Map<String, Table> tables = tables(c);
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TEMP TABLE IF NOT EXISTS repl_row(id INTEGER PRIMARY KEY, image TEXT NOT NULL)");
            for (Table t : tables.values()) {
                String after = image(t, "NEW", t.columns(), "u", false);
                String changed = changedColumns(t, image(t, "NEW", t.columns(), "p", true));
                String gone = image(t, "OLD", t.key(), "d", false);
                st.execute("CREATE TEMP TRIGGER IF NOT EXISTS repl_" + t.name() + "_i AFTER INSERT ON main."
                        + t.name() + " BEGIN INSERT INTO repl_row(image) VALUES (" + after + "); END");
                st.execute("CREATE TEMP TRIGGER IF NOT EXISTS repl_" + t.name() + "_u AFTER UPDATE ON main."
                        + t.name() + " BEGIN INSERT INTO repl_row(image) VALUES (" + changed + "); END");
                st.execute("CREATE TEMP TRIGGER IF NOT EXISTS repl_" + t.name() + "_d AFTER DELETE ON main."
                        + t.name() + " BEGIN INSERT INTO repl_row(image) VALUES (" + gone + "); END");
            }
        }
        c.commit();
        return new RowCapture(tables);
    }

    /** The replicated tables of the slot schema, read from SQLite; a table without a known key is an error. */
    static Map<String, Table> tables(Connection c) throws SQLException {
        Map<String, Table> out = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                        + " AND name <> 'change_log' ORDER BY name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        for (String name : names) {
            List<String> key = KEYS.get(name);
            if (key == null) {
                throw new SQLException("table " + name + " has no replication key in RowCapture.KEYS");
            }
            List<String> columns = new ArrayList<>();
            List<String> blobs = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement("SELECT name, type FROM pragma_table_info(?) ORDER BY cid")) {
                st.setString(1, name);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        columns.add(rs.getString(1));
                        if ("BLOB".equalsIgnoreCase(rs.getString(2))) {
                            blobs.add(rs.getString(1));
                        }
                    }
                }
            }
            out.put(name, new Table(name, List.copyOf(columns), List.copyOf(blobs), key));
        }
        return out;
    }

    Map<String, Table> tables() {
        return tables;
    }

    /**
     * An update's image keeps the key and only the columns whose value changed: a flag change must not log the
     * message's cached ENVELOPE, BODYSTRUCTURE and header again.
     */
    private static String changedColumns(Table t, String full) {
        StringBuilder sql = new StringBuilder("json_remove(").append(full);
        for (String col : t.columns()) {
            if (!t.key().contains(col)) {
                sql.append(", CASE WHEN NEW.").append(col).append(" IS OLD.").append(col)
                        .append(" THEN '$.row.").append(col).append("' ELSE '$.none' END");
            }
        }
        return sql.append(')').toString();
    }

    /**
     * {"t": table, "op": op, "row": {column: value}} built by SQLite's json_object; op "u" is a whole row (insert),
     * "p" a part of one (update: key and changed columns), "d" a deleted row's key.
     */
    private static String image(Table t, String ref, List<String> columns, String op, boolean onlyChanged) {
        StringBuilder row = new StringBuilder("json_object(");
        for (int i = 0; i < columns.size(); i++) {
            String col = columns.get(i);
            String value = ref + "." + col;
            if (t.blobColumns().contains(col)) {
                value = "CASE WHEN " + value + " IS NULL THEN NULL ELSE hex(" + value + ") END";
            }
            if (onlyChanged && !t.key().contains(col)) { // an unchanged value is not even encoded (then removed)
                value = "CASE WHEN NEW." + col + " IS NOT OLD." + col + " THEN " + value + " END";
            }
            row.append(i == 0 ? "" : ", ").append('\'').append(col).append("', ").append(value);
        }
        row.append(')');
        return "json_object('t', '" + t.name() + "', 'op', '" + op + "', 'row', " + row + ")";
    }

    /** The images captured since the last drain, in the order the rows changed; the table is emptied. */
    static List<String> drain(Connection c) throws SQLException {
        List<String> images = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT image FROM temp.repl_row ORDER BY id")) {
                while (rs.next()) {
                    images.add(rs.getString(1));
                }
            }
            if (!images.isEmpty()) {
                st.execute("DELETE FROM temp.repl_row");
            }
        }
        return images;
    }
}
