package org.mailslot.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Checks a slot end to end: every blob re-hashed, every row against its mailbox, blob and account. */
final class Verifier {
    private static final Logger log = LoggerFactory.getLogger(Verifier.class);

    private final int slotId;
    private final BlobStore blobs;
    private final ReadPool reads;
    private final List<String> problems = new ArrayList<>();

    Verifier(int slotId, BlobStore blobs, ReadPool reads) {
        this.slotId = slotId;
        this.blobs = blobs;
        this.reads = reads;
    }

    VerifyReport run() {
        Set<String> good = new HashSet<>();
        long blobsChecked = checkBlobs(good);
        Set<String> referenced = new HashSet<>();
        long rows = reads.read(c -> {
            long n = checkMessages(c, referenced) + checkOutbound(c, referenced);
            checkAccounts(c);
            checkMailboxes(c);
            checkChanges(c);
            return n;
        });
        good.removeAll(referenced);
        if (!good.isEmpty()) {
            log.info("slot {}: {} orphan blobs (no row; removed by the next purge)", slotId, good.size());
        }
        return new VerifyReport(slotId, blobsChecked, rows, problems);
    }

    private long checkBlobs(Set<String> good) {
        long n = 0;
        try {
            for (Path f : blobs.files()) {
                n++;
                String name = f.getFileName().toString();
                if (!BlobStore.isHash(name) || !blobs.path(name).equals(f)) {
                    problems.add("stray file in blob store: " + blobs.root().relativize(f));
                    continue;
                }
                String actual = blobs.rehash(f);
                if (actual == null) {
                    continue; // collected while we listed
                }
                if (!actual.equals(name)) {
                    problems.add("blob " + name + " is corrupted (content hashes to " + actual + ")");
                } else {
                    good.add(name);
                }
            }
        } catch (IOException e) {
            problems.add("cannot read blob store: " + e.getMessage());
        }
        return n;
    }

    private long checkMessages(java.sql.Connection c, Set<String> referenced) throws SQLException {
        long n = 0;
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT m.mailbox_id, m.uid, m.modseq, m.size, m.blob_hash, m.state,"
                     + " m.expunged_modseq, b.uid_next, b.highest_modseq, b.id, m.header FROM message m"
                     + " LEFT JOIN mailbox b ON b.id = m.mailbox_id")) {
            while (rs.next()) {
                n++;
                String where = "message " + rs.getLong(1) + "/" + rs.getLong(2);
                long uid = rs.getLong(2);
                long modSeq = rs.getLong(3);
                long size = rs.getLong(4);
                String hash = rs.getString(5);
                int state = rs.getInt(6);
                long expungedModSeq = rs.getLong(7);
                if (rs.getObject(10) == null) {
                    problems.add(where + ": its mailbox does not exist");
                    continue;
                }
                long uidNext = rs.getLong(8);
                long highest = rs.getLong(9);
                if (uid >= uidNext) {
                    problems.add(where + ": uid not below UIDNEXT " + uidNext);
                }
                if (modSeq > highest || expungedModSeq > highest) {
                    problems.add(where + ": modseq above HIGHESTMODSEQ " + highest);
                }
                referenced.add(hash);
                if (state == 2) {
                    continue; // a tombstone needs no body
                }
                if (checkBody(where, hash, size)) {
                    checkHeader(where, hash, rs.getBytes(11));
                }
            }
        }
        return n;
    }

    /** Every queued entry needs its body and at least one recipient; every recipient row needs its entry. */
    private long checkOutbound(java.sql.Connection c, Set<String> referenced) throws SQLException {
        long n = 0;
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT o.id, o.blob_hash, o.size, (SELECT count(*) FROM outbound_rcpt r"
                     + " WHERE r.queue_id = o.id) FROM outbound o")) {
            while (rs.next()) {
                n++;
                String where = "outbound queue entry " + rs.getLong(1);
                referenced.add(rs.getString(2));
                checkBody(where, rs.getString(2), rs.getLong(3));
                if (rs.getLong(4) == 0) {
                    problems.add(where + ": has no recipient");
                }
            }
        }
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT r.queue_id, r.address FROM outbound_rcpt r"
                     + " WHERE NOT EXISTS (SELECT 1 FROM outbound o WHERE o.id = r.queue_id)")) {
            while (rs.next()) {
                n++;
                problems.add("outbound recipient " + rs.getString(2) + ": its queue entry " + rs.getLong(1)
                        + " does not exist");
            }
        }
        return n;
    }

    /** Whether the row's blob exists with the row's size; each problem found is noted. */
    private boolean checkBody(String where, String hash, long size) {
        if (!BlobStore.isHash(hash)) {
            problems.add(where + ": invalid blob hash " + hash);
            return false;
        }
        try {
            long actual = Files.size(blobs.path(hash));
            if (actual != size) {
                problems.add(where + ": blob " + hash + " has " + actual + " bytes, row says " + size);
                return false;
            }
            return true;
        } catch (NoSuchFileException e) {
            problems.add(where + ": blob " + hash + " is missing");
        } catch (IOException e) {
            problems.add(where + ": blob " + hash + " unreadable: " + e.getMessage());
        }
        return false;
    }

    /** A cached header must be exactly what {@link HeaderCapture} takes from the blob: readers trust it as the blob. */
    private void checkHeader(String where, String hash, byte[] header) {
        if (header == null) {
            return; // none kept: readers use the blob
        }
        try (InputStream in = blobs.open(hash)) {
            byte[] prefix = in.readNBytes(HeaderCapture.MAX_BYTES + 1);
            if (!Arrays.equals(header, HeaderCapture.of(prefix))) {
                problems.add(where + ": cached header differs from the header of blob " + hash);
            }
        } catch (IOException e) {
            problems.add(where + ": blob " + hash + " unreadable: " + e.getMessage());
        }
    }

    private void checkAccounts(java.sql.Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT a.id, a.used_bytes, a.used_messages,"
                     + " (SELECT coalesce(sum(m.size), 0) FROM message m JOIN mailbox b ON b.id = m.mailbox_id"
                     + "  WHERE b.account_id = a.id AND m.state = 0),"
                     + " (SELECT count(*) FROM message m JOIN mailbox b ON b.id = m.mailbox_id"
                     + "  WHERE b.account_id = a.id AND m.state = 0) FROM account a")) {
            while (rs.next()) {
                if (rs.getLong(2) != rs.getLong(4) || rs.getLong(3) != rs.getLong(5)) {
                    problems.add("account " + rs.getLong(1) + ": quota counters " + rs.getLong(2) + "/"
                            + rs.getLong(3) + " but messages sum to " + rs.getLong(4) + "/" + rs.getLong(5));
                }
            }
        }
    }

    /** The STATUS counters kept on each mailbox row must equal the sums over its visible messages. */
    private void checkMailboxes(java.sql.Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT b.id, b.messages, b.unseen, b.size, count(m.uid),"
                     + " coalesce(sum(1 - m.seen), 0), coalesce(sum(m.size), 0) FROM mailbox b"
                     + " LEFT JOIN message m ON m.mailbox_id = b.id AND m.state = 0 GROUP BY b.id")) {
            while (rs.next()) {
                if (rs.getLong(2) != rs.getLong(5) || rs.getLong(3) != rs.getLong(6) || rs.getLong(4) != rs.getLong(7)) {
                    problems.add("mailbox " + rs.getLong(1) + ": counters messages/unseen/size " + rs.getLong(2) + "/"
                            + rs.getLong(3) + "/" + rs.getLong(4) + " but messages sum to " + rs.getLong(5) + "/"
                            + rs.getLong(6) + "/" + rs.getLong(7));
                }
            }
        }
    }

    private void checkChanges(java.sql.Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT seq, payload, crc32c FROM change_log ORDER BY seq");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                if (Tx.crc32c(rs.getBytes(2)) != rs.getInt(3)) {
                    problems.add("change " + rs.getLong(1) + ": crc32c mismatch");
                }
            }
        }
    }
}
