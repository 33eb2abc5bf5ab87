package org.mailslot.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Applies a master's change records to a replica copy (DESIGN.md section 5, invariant 4): in sequence, each record's
 * row images replacing or deleting rows by key, then the record itself into the replica's change log under the
 * same seq, all in the writer's transaction. Records at or below the replica's last seq are skipped (a resent batch
 * is harmless); a gap, a bad checksum or a message or queue entry whose body has not arrived fails the whole batch.
 */
final class ChangeApplier {
    private final Map<String, RowCapture.Table> tables;
    private final ObjectMapper json;
    private final Predicate<String> hasBlob;
    private final Map<String, String> upserts = new HashMap<>();
    private final Map<String, String> deletes = new HashMap<>();

    ChangeApplier(Map<String, RowCapture.Table> tables, ObjectMapper json, Predicate<String> hasBlob) {
        this.tables = tables;
        this.json = json;
        this.hasBlob = hasBlob;
    }

    /** Applies the records after the copy's last seq; returns how many were new. */
    int apply(Tx tx, List<ChangeRecord> records) throws SQLException {
        // the log's high-water mark, which stays when old records are removed
        long last = tx.queryLong("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'change_log'), 0)");
        int applied = 0;
        for (ChangeRecord r : records) {
            if (r.seq() <= last) {
                continue;
            }
            if (r.seq() != last + 1) {
                throw new StoreException(StoreException.Reason.IO, "change " + r.seq() + " does not follow "
                        + last + ": the replica needs a full resync");
            }
            if (Tx.crc32c(r.payload()) != r.crc32c()) {
                throw new StoreException(StoreException.Reason.IO, "change " + r.seq() + " fails its checksum");
            }
            applyRows(tx, r);
            tx.replayed(r);
            last = r.seq();
            applied++;
        }
        RowCapture.drain(tx.c()); // the rows just written are the master's, not new changes of this copy
        return applied;
    }

    private void applyRows(Tx tx, ChangeRecord r) throws SQLException {
        JsonNode payload;
        try {
            payload = json.readTree(r.payload());
        } catch (java.io.IOException e) {
            throw new StoreException(StoreException.Reason.IO, "change " + r.seq() + " is not JSON", e);
        }
        if (!payload.has("rows")) {
            // written before change records carried their rows: replaying it would silently apply nothing
            throw new StoreException(StoreException.Reason.IO, "change " + r.seq() + " (" + r.kind() + ") predates"
                    + " row images in the log; this copy cannot be built by replaying it");
        }
        for (JsonNode image : payload.path("rows")) {
            RowCapture.Table t = tables.get(image.path("t").asText());
            if (t == null) {
                throw new StoreException(StoreException.Reason.IO, "change " + r.seq() + " names unknown table "
                        + image.path("t").asText() + ": this copy's schema is older than the master's");
            }
            JsonNode row = image.path("row");
            String op = image.path("op").asText();
            if ("d".equals(op)) {
                bindAndRun(tx, deletes.computeIfAbsent(t.name(), n -> deleteSql(t)), t, t.key(), row);
            } else if ("p".equals(op)) {
                List<String> changed = new ArrayList<>();
                for (Iterator<String> it = row.fieldNames(); it.hasNext(); ) {
                    String col = it.next();
                    if (!t.key().contains(col)) {
                        changed.add(col);
                    }
                }
                requireKnown(r, t, changed);
                if (!changed.isEmpty()) {
                    List<String> bound = new ArrayList<>(changed);
                    bound.addAll(t.key());
                    bindAndRun(tx, updateSql(t, changed), t, bound, row);
                }
            } else {
                if (ChangeRecord.BODY_TABLES.contains(t.name()) && !hasBlob.test(row.path("blob_hash").asText())) {
                    throw new StoreException(StoreException.Reason.IO, "change " + r.seq() + " refers to body "
                            + row.path("blob_hash").asText() + ", which has not arrived");
                }
                List<String> present = new ArrayList<>();
                for (Iterator<String> it = row.fieldNames(); it.hasNext(); ) {
                    present.add(it.next());
                }
                requireKnown(r, t, present);
                bindAndRun(tx, upsertSql(t, present), t, present, row);
            }
        }
    }

    private static void requireKnown(ChangeRecord r, RowCapture.Table t, List<String> columns) {
        if (!t.columns().containsAll(columns)) {
            throw new StoreException(StoreException.Reason.IO, "change " + r.seq() + " has columns of " + t.name()
                    + " this copy does not know: its schema is older than the master's");
        }
    }

    private String updateSql(RowCapture.Table t, List<String> columns) {
        return upserts.computeIfAbsent("update " + t.name() + ":" + String.join(",", columns), k -> {
            StringBuilder sql = new StringBuilder("UPDATE main.").append(t.name()).append(" SET ");
            for (int i = 0; i < columns.size(); i++) {
                String col = columns.get(i);
                sql.append(i == 0 ? "" : ", ").append(col).append(" = ")
                        .append(t.blobColumns().contains(col) ? "unhex(?)" : "?");
            }
            sql.append(" WHERE ");
            for (int i = 0; i < t.key().size(); i++) {
                sql.append(i == 0 ? "" : " AND ").append(t.key().get(i)).append(" = ?");
            }
            return sql.toString();
        });
    }

    private String upsertSql(RowCapture.Table t, List<String> columns) {
        return upserts.computeIfAbsent(t.name() + ":" + String.join(",", columns), k -> {
            StringBuilder sql = new StringBuilder("INSERT OR REPLACE INTO main.").append(t.name()).append('(')
                    .append(String.join(", ", columns)).append(") VALUES (");
            for (int i = 0; i < columns.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append(t.blobColumns().contains(columns.get(i)) ? "unhex(?)" : "?");
            }
            return sql.append(')').toString();
        });
    }

    private static String deleteSql(RowCapture.Table t) {
        StringBuilder sql = new StringBuilder("DELETE FROM main.").append(t.name()).append(" WHERE ");
        for (int i = 0; i < t.key().size(); i++) {
            sql.append(i == 0 ? "" : " AND ").append(t.key().get(i)).append(" = ?");
        }
        return sql.toString();
    }

    private static void bindAndRun(Tx tx, String sql, RowCapture.Table t, List<String> columns, JsonNode row)
            throws SQLException {
        try (PreparedStatement st = tx.c().prepareStatement(sql)) {
            for (int i = 0; i < columns.size(); i++) {
                JsonNode v = row.get(columns.get(i));
                if (v == null || v.isNull()) {
                    st.setNull(i + 1, java.sql.Types.NULL);
                } else if (v.isIntegralNumber()) {
                    st.setLong(i + 1, v.asLong());
                } else if (v.isNumber()) {
                    st.setDouble(i + 1, v.asDouble());
                } else {
                    st.setString(i + 1, v.asText());
                }
            }
            st.executeUpdate();
        }
    }
}
