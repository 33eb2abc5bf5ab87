package org.mailslot.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** Computes a {@link CopyDigest} inside one read snapshot; the encoding is specified there. */
final class CopyDigests {
    private static final String EMPTY = HexFormat.of().formatHex(sha256().digest());

    private CopyDigests() {}

    static CopyDigest of(Connection c, Map<String, RowCapture.Table> tables) throws SQLException {
        long seq;
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT seq FROM sqlite_sequence WHERE name = 'change_log'")) {
            seq = rs.next() ? rs.getLong(1) : 0L;
        }
        TreeMap<Long, String> mailboxes = new TreeMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id FROM mailbox")) {
            while (rs.next()) {
                mailboxes.put(rs.getLong(1), EMPTY);
            }
        }
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT mailbox_id, uid, state, modseq, expunged_modseq, flags, blob_hash"
                     + " FROM message ORDER BY mailbox_id, uid")) {
            MessageDigest sha = null;
            long current = 0;
            ByteBuffer fixed = ByteBuffer.allocate(8 + 1 + 8 + 8);
            while (rs.next()) {
                long mailbox = rs.getLong(1);
                if (sha == null || mailbox != current) {
                    if (sha != null) {
                        mailboxes.put(current, HexFormat.of().formatHex(sha.digest()));
                    }
                    sha = sha256();
                    current = mailbox;
                }
                fixed.clear();
                fixed.putLong(rs.getLong(2)).put((byte) rs.getInt(3)).putLong(rs.getLong(4)).putLong(rs.getLong(5));
                sha.update(fixed.array());
                text(sha, rs.getString(6));
                text(sha, rs.getString(7));
            }
            if (sha != null) {
                mailboxes.put(current, HexFormat.of().formatHex(sha.digest()));
            }
        }
        return new CopyDigest(seq, ContentDigest.of(c, tables), mailboxes);
    }

    private static void text(MessageDigest sha, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        sha.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
