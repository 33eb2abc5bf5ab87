package org.mailslot.store.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.store.AppendResult;
import org.mailslot.store.FlagOp;
import org.mailslot.store.MessageContent;
import org.mailslot.store.SlotStore;
import org.mailslot.store.StoreSettings;
import org.mailslot.store.replication.ScrubReport.Finding;
import org.mailslot.store.replication.ScrubReport.Kind;
import org.mailslot.store.replication.ScrubReport.Side;

/**
 * Scrub over the real link on loopback (DESIGN.md section 5, invariant 5): a body damaged on disk in either copy is
 * found and mended from the other, each side checking the SHA-256 before it keeps the bytes; identical copies are
 * clean; rows that differ are reported as a divergence, never "repaired"; a master that moved on while the scrub read
 * the copies does not make a false alarm.
 */
class ScrubTest {
    static final byte[] SECRET = "correct horse battery staple, cluster 1".getBytes(StandardCharsets.UTF_8);
    static final int SLOT = 7;
    static final long ALICE = 1001;
    static final Instant DATE = Instant.parse("2024-05-01T10:15:30Z");

    @TempDir
    Path dir;
    SlotStore master;
    SlotStore replica;
    ReplicationServer server;
    final ReplicationSettings settings = ReplicationSettings.defaults().withReplyTimeout(Duration.ofSeconds(5));
    final List<AutoCloseable> closeAfter = new ArrayList<>();
    long inbox;
    AppendResult first;
    AppendResult second;

    @BeforeEach
    void open() throws IOException {
        master = SlotStore.open(dir.resolve("master"), SLOT, StoreSettings.defaults());
        replica = SlotStore.open(dir.resolve("replica"), SLOT, StoreSettings.defaults());
        master.becomeMaster(1, null);
        replica.becomeReplica(1);
        server = new ReplicationServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), SECRET, null,
                (slot, epoch) -> replica, settings).start();
        closeAfter.add(server);
        master.createAccount(ALICE);
        inbox = master.mailbox(ALICE, "INBOX").orElseThrow().id();
        first = master.append(ALICE, "INBOX", mail("first"), Set.of(), DATE, 0);
        second = master.append(ALICE, "INBOX", mail("second"), Set.of("\\Seen"), DATE, 0);
        master.append(ALICE, "Archive", mail("third"), Set.of(), DATE, 0);
        shipAll();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeAfter.reversed()) {
            c.close();
        }
        master.close();
        replica.close();
    }

    static MessageContent mail(String subject) {
        return MessageContent.of(("Subject: " + subject + "\r\nMessage-ID: <" + subject + "@x>\r\n\r\n"
                + ("body of " + subject + "\r\n").repeat(50)).getBytes(StandardCharsets.UTF_8));
    }

    ReplicaLink link() throws IOException {
        ReplicaLink link = ReplicationClient.open(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                server.port()), SLOT, 1, "node-a", SECRET, null, settings);
        closeAfter.add(link);
        return link;
    }

    void shipAll() throws IOException {
        try (ReplicaLink link = link()) {
            ReplicationClient.catchUp(master, link, master.lastChangeSeq(), 100);
        }
    }

    ScrubReport scrub() {
        return SlotScrub.run(master, "node-b", this::link);
    }

    String hash(AppendResult r) {
        return master.message(inbox, r.uid()).orElseThrow().blobHash();
    }

    Path blob(String copy, String hash) {
        return dir.resolve(copy).resolve("blobs").resolve(hash.substring(0, 2)).resolve(hash.substring(2, 4))
                .resolve(hash);
    }

    @Test
    void identicalCopiesAreClean() {
        ScrubReport report = scrub();
        assertThat(report.clean()).isTrue();
        assertThat(report.failure()).isNull();
        assertThat(report.masterBodies()).isEqualTo(3);
        assertThat(report.replicaBodies()).isEqualTo(3);
        assertThat(report.mailboxesCompared()).isEqualTo(master.mailboxes(ALICE).size());
        assertThat(report.summary(4000)).isEqualTo("clean: 6 mailboxes compared, 3 bodies checked on the master"
                + " and 3 on replica node-b");
    }

    @Test
    void aBodyCorruptedOnTheReplicaIsRepairedFromTheMaster() throws IOException {
        String hash = hash(first);
        byte[] good = Files.readAllBytes(blob("replica", hash));
        byte[] bad = good.clone();
        for (int i = 100; i < 120; i++) {
            bad[i] = 'X'; // bytes overwritten in place: same size, so only re-hashing finds it
        }
        Files.write(blob("replica", hash), bad);
        assertThat(replica.verify().problems()).anyMatch(p -> p.contains(hash) && p.contains("corrupted"));

        ScrubReport report = scrub();
        assertThat(report.findings()).containsExactly(new Finding(Kind.BODY_CORRUPTED, Side.REPLICA, "body " + hash,
                true, "repaired from the master's copy"));
        assertThat(report.diverged()).isFalse();
        assertThat(report.summary(4000)).startsWith("1 finding, 1 repaired (")
                .contains("body " + hash + " corrupted on the replica: repaired from the master's copy");
        assertThat(Files.readAllBytes(blob("replica", hash))).isEqualTo(good);
        assertThat(replica.verify().problems()).isEmpty();
        assertThat(scrub().clean()).isTrue();
    }

    @Test
    void aBodyDeletedOnTheMasterIsRepairedFromTheReplica() throws IOException {
        String hash = hash(second);
        byte[] good = Files.readAllBytes(blob("master", hash));
        Files.delete(blob("master", hash));

        ScrubReport report = scrub();
        assertThat(report.findings()).containsExactly(new Finding(Kind.BODY_MISSING, Side.MASTER, "body " + hash,
                true, "repaired from the replica's copy"));
        assertThat(Files.readAllBytes(blob("master", hash))).isEqualTo(good);
        assertThat(master.verify().problems()).isEmpty();
        try (InputStream in = master.openBody(hash)) {
            assertThat(in.readAllBytes()).isEqualTo(good);
        }
    }

    @Test
    void aBodyDamagedOnBothCopiesIsReportedAsLost() throws IOException {
        String hash = hash(first);
        Files.delete(blob("master", hash));
        Files.write(blob("replica", hash), "garbage".getBytes(StandardCharsets.UTF_8));

        ScrubReport report = scrub();
        assertThat(report.findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Kind.BODY_MISSING);
            assertThat(f.side()).isEqualTo(Side.BOTH);
            assertThat(f.repaired()).isFalse();
            assertThat(f.detail()).contains("no good copy is left (master: missing, replica: corrupted)");
        });
    }

    @Test
    void aFlagChangedBehindTheStoresBackIsADivergenceNotARepair() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("replica/slot.db"));
             PreparedStatement st = c.prepareStatement("UPDATE message SET flags = '\\Flagged' WHERE mailbox_id = ?"
                     + " AND uid = ?")) {
            st.setLong(1, inbox);
            st.setLong(2, first.uid());
            assertThat(st.executeUpdate()).isEqualTo(1);
        }
        ScrubReport report = scrub();
        assertThat(report.findings()).containsExactly(new Finding(Kind.MAILBOX_DIFFERS, Side.BOTH,
                "mailbox " + inbox + " (account " + ALICE + ", INBOX)", false,
                "its message rows differ (uid, state, modseq, flags or body)"));
        assertThat(report.diverged()).isTrue();
        assertThat(report.repaired()).isZero();
        assertThat(report.summary(4000)).startsWith("1 finding, 0 repaired");
    }

    @Test
    void mailboxesTheMasterChangedMeanwhileAreLeftForNextTime() throws IOException {
        // the replica has not got these yet, as if they were committed while the scrub read the copies
        master.append(ALICE, "INBOX", mail("late"), Set.of(), DATE, 0);
        master.storeFlags(inbox, List.of(first.uid()), FlagOp.ADD, Set.of("\\Answered"));

        ScrubReport report = scrub();
        assertThat(report.findings()).isEmpty();
        assertThat(report.failure()).isNull();
        assertThat(report.notes()).containsExactly("1 mailboxes changed while the scrub ran and were not compared");
        assertThat(report.mailboxesCompared()).isEqualTo(master.mailboxes(ALICE).size() - 1);
        assertThat(report.summary(4000)).startsWith("clean: 5 mailboxes compared");

        shipAll();
        assertThat(scrub().notes()).isEmpty();
    }

    @Test
    void anUnreachableReplicaEndsTheScrubWithAReasonAndASlotWithoutOneChecksTheMasterAlone() throws IOException {
        String hash = hash(first);
        Files.delete(blob("master", hash));
        ScrubReport failed = SlotScrub.run(master, "node-b", () -> {
            throw new IOException("cannot connect to replica node-b");
        });
        assertThat(failed.clean()).isFalse();
        assertThat(failed.summary(4000)).startsWith("failed: cannot connect to replica node-b");

        ScrubReport alone = SlotScrub.run(master, null, null);
        assertThat(alone.findings()).containsExactly(new Finding(Kind.BODY_MISSING, Side.MASTER, "body " + hash,
                false, "the slot has no replica to repair it from"));
        assertThat(alone.summary(4000)).isEqualTo("1 finding, 0 repaired (3 bodies checked, no replica); body "
                + hash + " missing on the master: the slot has no replica to repair it from");
    }

    @Test
    void aLongSummaryIsCutAndSaysHowMuchIsLeft() {
        List<Finding> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add(new Finding(Kind.MAILBOX_DIFFERS, Side.BOTH, "mailbox " + i, false, "rows differ"));
        }
        String summary = new ScrubReport(SLOT, "node-b", 1, 1, 100, many, List.of(), null).summary(300);
        assertThat(summary.length()).isLessThanOrEqualTo(300);
        assertThat(summary).startsWith("100 findings, 0 repaired").containsPattern("; \\.\\.\\. and \\d+ more$");
    }
}
