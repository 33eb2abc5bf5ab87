package org.mailslot.store;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link SlotStore#checkBodies()}: re-hashes, once each, the bodies that message rows need (visible and expunged; a
 * tombstone needs none) and those of queued outbound entries. Rows are read a page at a time in hash order, so no read snapshot stays open while files are
 * hashed and memory does not grow with the slot.
 */
final class BodyScan {
    private static final int PAGE = 1000;

    private final BlobStore blobs;
    private final ReadPool reads;

    BodyScan(BlobStore blobs, ReadPool reads) {
        this.blobs = blobs;
        this.reads = reads;
    }

    BodyCheck run() {
        long checked = 0;
        List<DamagedBody> damaged = new ArrayList<>();
        String after = "";
        while (true) {
            Map<String, Long> page = page(after);
            if (page.isEmpty()) {
                return new BodyCheck(checked, damaged);
            }
            for (Map.Entry<String, Long> body : page.entrySet()) {
                String hash = body.getKey();
                after = hash;
                if (!BlobStore.isHash(hash)) {
                    continue; // a row problem, which verify() reports; no file can be named by it
                }
                checked++;
                DamagedBody.Kind kind = check(hash);
                if (kind != null) {
                    damaged.add(new DamagedBody(hash, body.getValue(), kind));
                }
            }
        }
    }

    /** Null when the body is good. */
    private DamagedBody.Kind check(String hash) {
        String actual;
        try {
            actual = blobs.rehash(blobs.path(hash));
        } catch (IOException e) {
            return DamagedBody.Kind.CORRUPTED; // unreadable: a repair writes a good file in its place
        }
        if (actual == null) {
            // purged with its last row since the page was read: not damage
            return stillNeeded(hash) ? DamagedBody.Kind.MISSING : null;
        }
        return actual.equals(hash) ? null : DamagedBody.Kind.CORRUPTED;
    }

    private Map<String, Long> page(String after) {
        return reads.read(c -> {
            Map<String, Long> out = new LinkedHashMap<>();
            try (PreparedStatement st = Sql.prepare(c, "SELECT blob_hash, max(size) FROM (SELECT blob_hash, size"
                    + " FROM message WHERE state <> 2 AND blob_hash > ? UNION ALL SELECT blob_hash, size FROM outbound"
                    + " WHERE blob_hash > ?) GROUP BY blob_hash ORDER BY blob_hash LIMIT ?", after, after, PAGE);
                 ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
            return out;
        });
    }

    private boolean stillNeeded(String hash) {
        return reads.read(c -> {
            try (PreparedStatement st = Sql.prepare(c, "SELECT 1 FROM message WHERE blob_hash = ? AND state <> 2"
                    + " LIMIT 1", hash); ResultSet rs = st.executeQuery()) {
                return rs.next() || OutboundRows.references(c, hash);
            }
        });
    }
}
