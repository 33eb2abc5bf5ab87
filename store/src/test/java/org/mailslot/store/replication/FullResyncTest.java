package org.mailslot.store.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.store.AppendRequest;
import org.mailslot.store.AppendResult;
import org.mailslot.store.MessageContent;
import org.mailslot.store.MessageMeta;
import org.mailslot.store.SlotStore;
import org.mailslot.store.StoreSettings;
import org.mailslot.store.TextField;
import org.mailslot.store.replication.ReplicationException.Reason;

/**
 * Full resync over the real link (DESIGN.md section 5, invariant 4): a replica whose log diverged from the master's
 * or has a gap is emptied by RESET and rebuilt from the master's whole log, ending identical (content digest, clean
 * verify, its own full-text index); bodies it still has do not travel again; a resync cut off by a crash of the
 * replica continues where it stopped; a copy that is not a replica refuses to be emptied.
 *
 * <p>Two copies, "a" and "b". Each test starts with a mastering the slot at epoch 1 and b its replica; then b is
 * promoted at epoch 2 and a comes back as its replica.
 */
class FullResyncTest {
    static final byte[] SECRET = "correct horse battery staple, cluster 1".getBytes(StandardCharsets.UTF_8);
    static final int SLOT = 9;
    static final long ALICE = 1001;
    static final Instant DATE = Instant.parse("2024-05-01T10:15:30Z");
    /** A body this size makes it plain in the bytes on the wire whether a body travelled again. */
    static final int BIG = 64 * 1024;

    @TempDir
    Path dir;
    SlotStore a;
    SlotStore b;
    /** The copy this node's listener serves as replica; null while it "restarts". */
    volatile SlotStore replicaCopy;
    volatile long knownEpoch = 1;
    /** When above 0: the replica "crashes" before a batch once its copy has reached this seq. */
    volatile long crashAtSeq;
    final CountDownLatch crashed = new CountDownLatch(1);
    final ReplicationSettings settings = ReplicationSettings.defaults()
            .withHandshakeTimeout(Duration.ofSeconds(2)).withReplyTimeout(Duration.ofSeconds(5))
            .withBatchLimits(50, 1 << 20); // many CHANGES frames for a few hundred records
    final SyncReplicatorTest.Directory directory = new SyncReplicatorTest.Directory();
    final List<AutoCloseable> closeAfter = new ArrayList<>();
    ReplicationServer server;
    Proxy proxy;

    @BeforeEach
    void open() throws IOException {
        a = SlotStore.open(dir.resolve("a"), SLOT, StoreSettings.defaults());
        b = SlotStore.open(dir.resolve("b"), SLOT, StoreSettings.defaults());
        a.becomeMaster(1, null);
        b.becomeReplica(1);
        replicaCopy = b;
        server = new ReplicationServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), SECRET, null,
                slots(), settings).start();
        closeAfter.add(server);
        proxy = Proxy.recording(server.port());
        closeAfter.add(proxy);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeAfter.reversed()) {
            c.close();
        }
        a.close();
        b.close();
    }

    ReplicaSlots slots() {
        return (slot, epoch) -> {
            if (epoch < knownEpoch) {
                throw new ReplicaSlots.Refused("slot " + slot + " is at epoch " + knownEpoch + ", not " + epoch);
            }
            SlotStore copy = replicaCopy;
            if (copy == null) {
                throw new ReplicaSlots.Refused("restarting");
            }
            if (crashAtSeq > 0 && copy.lastChangeSeq() >= crashAtSeq) {
                replicaCopy = null;
                crashed.countDown();
                throw new ReplicaSlots.Refused("crashed");
            }
            return copy;
        };
    }

    ReplicaLink link(long epoch) throws IOException {
        ReplicaLink link = ReplicationClient.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()),
                SLOT, epoch, "node-b", SECRET, null, settings);
        closeAfter.add(link);
        return link;
    }

    static MessageContent mail(String subject, String body) {
        return MessageContent.of(("From: s@example.com\r\nSubject: " + subject + "\r\n\r\n" + body + "\r\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The history both copies share: an account and messages with large bodies, shipped from a to b. */
    void sharedHistory() throws IOException {
        a.createAccount(ALICE);
        for (int i = 0; i < 4; i++) {
            a.append(ALICE, "INBOX", mail("shared " + i, ("shared body " + i + " ").repeat(BIG / 16)), Set.of(),
                    DATE, 0);
        }
        try (ReplicaLink link = link(1)) {
            ReplicationClient.catchUp(a, link, a.lastChangeSeq(), 100);
        }
        assertThat(b.contentDigest()).isEqualTo(a.contentDigest());
    }

    /**
     * b is promoted at epoch 2; a, not told yet, commits {@code stale} (its own, never shipped or acknowledged), b
     * writes {@code after}; then a rejoins as b's replica. Returns what b wrote.
     */
    List<AppendResult> failoverWithAStaleWrite(int stale, int after) {
        b.becomeMaster(2, null);
        for (int i = 0; i < stale; i++) {
            a.append(ALICE, "INBOX", mail("stale " + i, "written by the replaced master"), Set.of(), DATE, 0);
        }
        List<AppendResult> written = new ArrayList<>();
        for (int i = 0; i < after; i++) {
            written.add(b.append(ALICE, "INBOX", mail("after " + i, "written by the new master"), Set.of(), DATE, 0));
        }
        a.becomeReplica(2);
        knownEpoch = 2;
        replicaCopy = a;
        return written;
    }

    /** b's replicator for a, starting out of sync as the directory says after a failover. */
    SyncReplicator replicateBToA() {
        directory.epoch = 2;
        directory.inSync = false;
        SyncReplicator replicator = new SyncReplicator(b, 2, "node-a", false, () -> link(2), directory, () -> true,
                Duration.ofMillis(20));
        closeAfter.add(replicator);
        b.becomeMaster(2, replicator);
        return replicator;
    }

    void assertIdentical() {
        assertThat(a.lastChangeSeq()).isEqualTo(b.lastChangeSeq());
        assertThat(a.contentDigest()).isEqualTo(b.contentDigest());
        assertThat(a.verify().problems()).isEmpty();
        long inboxA = a.mailbox(ALICE, "INBOX").orElseThrow().id();
        long inboxB = b.mailbox(ALICE, "INBOX").orElseThrow().id();
        assertThat(a.messages(inboxA)).isEqualTo(b.messages(inboxB));
        assertThat(a.flagsAndUids(inboxA)).isEqualTo(b.flagsAndUids(inboxB));
        assertThat(a.searchText(inboxA, "written by", TextField.BODY))
                .isEqualTo(b.searchText(inboxB, "written by", TextField.BODY));
    }

    @Test
    void aDivergedReplicaIsEmptiedAndRebuiltFromTheWholeLogWithoutResendingItsBodies() throws IOException {
        sharedHistory();
        List<AppendResult> after = failoverWithAStaleWrite(2, 3);
        assertThat(a.lastChangeSeq()).isLessThan(b.lastChangeSeq()); // behind, but its last record is not b's
        long inboxA = a.mailbox(ALICE, "INBOX").orElseThrow().id();
        String staleBody = a.message(inboxA, after.getFirst().uid()).orElseThrow().blobHash();
        int sentBefore = proxy.recorded().length;

        SyncReplicator replicator = replicateBToA();
        await().atMost(Duration.ofSeconds(20)).until(() -> directory.inSync && replicator.inSync());

        assertIdentical();
        long inboxB = b.mailbox(ALICE, "INBOX").orElseThrow().id();
        assertThat(a.messages(inboxA)).extracting(MessageMeta::blobHash).doesNotContain(staleBody);
        assertThat(a.searchText(inboxA, "replaced master", TextField.BODY)).isEmpty();
        assertThat(a.searchText(inboxA, "new master", TextField.BODY))
                .isEqualTo(b.searchText(inboxB, "new master", TextField.BODY)).hasSize(3);
        // the four large shared bodies were answered HAVE: only records and b's three small bodies went over
        assertThat(proxy.recorded().length - sentBefore).isLessThan(BIG);
        assertThat(replicator.replicaSeq()).isEqualTo(b.lastChangeSeq());

        // in sync again: the next commit is on a when it is answered
        AppendResult next = b.append(ALICE, "INBOX", mail("next", "in sync"), Set.of(), DATE, 0);
        assertThat(a.message(inboxA, next.uid())).isPresent();
        assertThat(a.contentDigest()).isEqualTo(b.contentDigest());
    }

    @Test
    void aReplicaAheadOfItsNewMasterIsResynced() {
        a.createAccount(ALICE);
        a.append(ALICE, "INBOX", mail("unshipped", "only a has it"), Set.of(), DATE, 0);
        // b, promoted (by force), never got a's changes at all; a wrote more after it was replaced
        failoverWithAStaleWrite(3, 0);
        b.createAccount(ALICE);
        assertThat(a.lastChangeSeq()).isGreaterThan(b.lastChangeSeq());

        SyncReplicator replicator = replicateBToA();
        await().atMost(Duration.ofSeconds(20)).until(() -> directory.inSync && replicator.inSync());
        assertThat(a.lastChangeSeq()).isEqualTo(b.lastChangeSeq());
        assertThat(a.contentDigest()).isEqualTo(b.contentDigest());
        assertThat(a.verify().problems()).isEmpty();
        long inboxA = a.mailbox(ALICE, "INBOX").orElseThrow().id();
        assertThat(a.messages(inboxA)).isEmpty();
        assertThat(a.searchText(inboxA, "only a has it", TextField.BODY)).isEmpty();
    }

    @Test
    void aDivergedReplicaLevelWithItsMasterIsResyncedNotRecordedInSync() throws IOException {
        sharedHistory();
        failoverWithAStaleWrite(1, 1); // the same seq on both copies, from different epochs
        assertThat(a.lastChangeSeq()).isEqualTo(b.lastChangeSeq());
        assertThat(a.contentDigest()).isNotEqualTo(b.contentDigest());

        SyncReplicator replicator = replicateBToA();
        await().atMost(Duration.ofSeconds(20)).until(() -> directory.inSync && replicator.inSync());
        assertIdentical();
    }

    @Test
    void aReplicaWithAGapIsResetAndGetsTheWholeLog() throws IOException {
        a.createAccount(ALICE);
        for (int i = 0; i < 6; i++) {
            a.append(ALICE, "INBOX", mail("m" + i, "body " + i), Set.of(), DATE, 0);
        }
        ReplicaLink first = link(1);
        first.ship(a, a.changesSince(0, 3));
        assertThat(b.lastChangeSeq()).isEqualTo(3);
        // records that do not continue the replica's log (as after a truncated log)
        assertThatThrownBy(() -> first.ship(a, a.changesSince(5, 100)))
                .isInstanceOfSatisfying(ReplicationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.RESYNC_NEEDED))
                .hasMessageContaining("full resync");
        assertThat(b.lastChangeSeq()).isEqualTo(3);

        ReplicaLink second = link(1);
        assertThat(second.replicaSeq()).isEqualTo(3);
        second.reset();
        assertThat(second.replicaSeq()).isZero();
        assertThat(b.lastChangeSeq()).isZero();
        assertThat(b.mailboxes(ALICE)).isEmpty();
        ReplicationClient.catchUp(a, second, a.lastChangeSeq(), 4);
        assertThat(b.lastChangeSeq()).isEqualTo(a.lastChangeSeq());
        assertThat(b.contentDigest()).isEqualTo(a.contentDigest());
        assertThat(b.verify().problems()).isEmpty();
        long inbox = b.mailbox(ALICE, "INBOX").orElseThrow().id();
        assertThat(b.searchText(inbox, "body 5", TextField.BODY)).hasSize(1);
    }

    @Test
    void aResyncCutOffByACrashOfTheReplicaContinuesWhereItStopped() throws Exception {
        sharedHistory();
        b.becomeMaster(2, null);
        a.append(ALICE, "INBOX", mail("stale", "written by the replaced master"), Set.of(), DATE, 0);
        a.becomeReplica(2);
        // hundreds of changes on the new master: the resync takes many batches (50 records a frame); one body
        List<AppendRequest> many = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            many.add(new AppendRequest(mail("after", "written by the new master"), Set.of(), DATE));
        }
        b.appendAll(ALICE, "INBOX", many, 0);
        long total = b.lastChangeSeq();
        assertThat(total).isGreaterThan(SyncReplicator.BATCH + 100);
        knownEpoch = 2;
        crashAtSeq = total / 2;
        replicaCopy = a;

        SyncReplicator replicator = replicateBToA();
        assertThat(crashed.await(20, TimeUnit.SECONDS)).isTrue();
        a.close(); // the replica's node goes down in the middle of the resync
        assertThat(directory.inSync).isFalse(); // and cannot be promoted meanwhile without --force
        a = SlotStore.open(dir.resolve("a"), SLOT, StoreSettings.defaults());
        long reached = a.lastChangeSeq();
        assertThat(reached).isBetween(crashAtSeq, total - 1);
        assertThat(a.changesSince(reached - 1, 1).getFirst().epoch()).isEqualTo(2); // a prefix of b's log
        a.becomeReplica(2);
        AtomicInteger applied = new AtomicInteger();
        a.addChangeListener(r -> applied.incrementAndGet());
        crashAtSeq = 0;
        replicaCopy = a; // back up

        await().atMost(Duration.ofSeconds(30)).until(() -> directory.inSync && replicator.inSync());
        assertThat(applied).as("continued from seq %d, not emptied again", reached).hasValue((int) (total - reached));
        assertIdentical();
        long inboxA = a.mailbox(ALICE, "INBOX").orElseThrow().id();
        assertThat(a.searchText(inboxA, "replaced master", TextField.BODY)).isEmpty();
        assertThat(a.searchText(inboxA, "new master", TextField.BODY)).hasSize(700);
    }

    @Test
    void aCopyThatIsNotAReplicaRefusesToBeEmptied() throws IOException {
        a.createAccount(ALICE);
        a.append(ALICE, "INBOX", mail("kept", "the master's own"), Set.of(), DATE, 0);
        String digest = a.contentDigest();
        long seq = a.lastChangeSeq();
        replicaCopy = a; // a misconfigured node that hands out its master copy

        ReplicaLink link = link(1);
        assertThatThrownBy(link::reset)
                .isInstanceOfSatisfying(ReplicationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.REFUSED))
                .hasMessageContaining("not a replica");
        assertThat(a.lastChangeSeq()).isEqualTo(seq);
        assertThat(a.contentDigest()).isEqualTo(digest);
        assertThatThrownBy(link::reset).hasMessageContaining("broke earlier");

        a.fence();
        ReplicaLink again = link(1);
        assertThatThrownBy(again::reset)
                .isInstanceOfSatisfying(ReplicationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.REFUSED));
        assertThat(a.contentDigest()).isEqualTo(digest);
    }
}
