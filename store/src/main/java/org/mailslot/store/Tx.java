package org.mailslot.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.RawValue;

/** The writer's open transaction: the connection plus the change records it appended. */
final class Tx {
    private final Connection connection;
    private final long epoch;
    private final long nowMillis;
    private final ObjectMapper json;
    private final List<ChangeRecord> changes = new ArrayList<>();
    /** (mailboxId, highestModSeq) of every mailbox a request changed, in order; for mailbox listeners. */
    private final List<long[]> touched = new ArrayList<>();

    Tx(Connection connection, long epoch, long nowMillis, ObjectMapper json) {
        this.connection = connection;
        this.epoch = epoch;
        this.nowMillis = nowMillis;
        this.json = json;
    }

    Connection c() {
        return connection;
    }

    long nowMillis() {
        return nowMillis;
    }

    /**
     * Appends a change record to the log inside this transaction, with the images of every row written since the
     * previous record ({@link RowCapture}) under {@code "rows"}: what a replica applies.
     */
    void change(String kind, Map<String, Object> payload) throws SQLException {
        record(kind, payload, RowCapture.drain(connection));
    }

    private void record(String kind, Map<String, Object> payload, List<String> images) throws SQLException {
        List<RawValue> rows = new ArrayList<>(images.size());
        for (String image : images) {
            rows.add(new RawValue(image));
        }
        payload.put("rows", rows);
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(payload);
        } catch (JsonProcessingException e) {
            throw new SQLException("cannot encode change " + kind, e);
        }
        int crc = crc32c(bytes);
        try (PreparedStatement st = connection.prepareStatement(
                "INSERT INTO change_log(epoch, kind, payload, crc32c) VALUES (?, ?, ?, ?) RETURNING seq")) {
            st.setLong(1, epoch);
            st.setString(2, kind);
            st.setBytes(3, bytes);
            st.setInt(4, crc);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                changes.add(new ChangeRecord(rs.getLong(1), epoch, kind, bytes, crc));
            }
        }
    }

    /** Rows a request wrote after its last change record go into one more record, so no write escapes the log. */
    void captureRest() throws SQLException {
        List<String> rest = RowCapture.drain(connection);
        if (!rest.isEmpty()) {
            record("rows", payload(), rest);
        }
    }

    /** A master's change record, applied to this replica copy: logged under the master's seq. */
    void replayed(ChangeRecord r) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "INSERT INTO change_log(seq, epoch, kind, payload, crc32c) VALUES (?, ?, ?, ?, ?)")) {
            st.setLong(1, r.seq());
            st.setLong(2, r.epoch());
            st.setString(3, r.kind());
            st.setBytes(4, r.payload());
            st.setInt(5, r.crc32c());
            st.executeUpdate();
        }
        changes.add(r);
    }

    /** Notes that a mailbox's messages changed and its HIGHESTMODSEQ is now {@code highestModSeq}. */
    void touched(long mailboxId, long highestModSeq) {
        touched.add(new long[] {mailboxId, highestModSeq});
    }

    record Mark(int changes, int touched) {}

    Mark mark() {
        return new Mark(changes.size(), touched.size());
    }

    /** Forgets the changes of a request whose savepoint was rolled back. */
    void rollbackTo(Mark mark) {
        changes.subList(mark.changes(), changes.size()).clear();
        touched.subList(mark.touched(), touched.size()).clear();
    }

    List<ChangeRecord> changes() {
        return changes;
    }

    /** Each changed mailbox once, with its last HIGHESTMODSEQ of this transaction, in first-touch order. */
    Map<Long, Long> touchedMailboxes() {
        Map<Long, Long> out = new LinkedHashMap<>();
        for (long[] t : touched) {
            out.merge(t[0], t[1], Math::max);
        }
        return out;
    }

    static int crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    static Map<String, Object> payload(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    // small SQL helpers used by the mutations

    long queryLong(String sql, Object... args) throws SQLException {
        try (PreparedStatement st = prepare(sql, args); ResultSet rs = st.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    int update(String sql, Object... args) throws SQLException {
        try (PreparedStatement st = prepare(sql, args)) {
            return st.executeUpdate();
        }
    }

    PreparedStatement prepare(String sql, Object... args) throws SQLException {
        return Sql.prepare(connection, sql, args);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
