package org.mailslot.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;

/**
 * A SHA-256 over every replicated row of a slot copy, table by table in key order, each value with its type: two
 * copies that applied the same changes have the same digest, and any difference in any column shows. Bodies are
 * covered through their hashes in the message rows (scrub checks the bodies themselves).
 */
final class ContentDigest {
    private ContentDigest() {}

    static String of(Connection c, Map<String, RowCapture.Table> tables) throws SQLException {
        MessageDigest sha = sha256();
        for (RowCapture.Table t : tables.values()) {
            sha.update(t.name().getBytes(StandardCharsets.UTF_8));
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT " + String.join(", ", t.columns()) + " FROM main." + t.name()
                         // the epoch is the copy's own (set by role changes), not replicated content
                         + (t.name().equals("meta") ? " WHERE key <> 'epoch'" : "")
                         + " ORDER BY " + String.join(", ", t.key()))) {
                int n = t.columns().size();
                while (rs.next()) {
                    for (int i = 1; i <= n; i++) {
                        Object v = rs.getObject(i);
                        byte[] bytes = v == null ? new byte[0]
                                : v instanceof byte[] b ? b : v.toString().getBytes(StandardCharsets.UTF_8);
                        sha.update((byte) (v == null ? 0 : v instanceof byte[] ? 2 : 1));
                        sha.update(intBytes(bytes.length));
                        sha.update(bytes);
                    }
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static byte[] intBytes(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
