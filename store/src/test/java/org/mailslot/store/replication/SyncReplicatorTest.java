package org.mailslot.store.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.store.AppendResult;
import org.mailslot.store.ChangeRecord;
import org.mailslot.store.CopyRole;
import org.mailslot.store.MessageContent;
import org.mailslot.store.MessageMeta;
import org.mailslot.store.SlotStore;
import org.mailslot.store.StoreException;
import org.mailslot.store.StoreSettings;

/**
 * Invariant 1 with the replicator in the master's commit path: every acknowledged write is on the replica, or the
 * replica was recorded out of sync before the acknowledgement; a cut link degrades to out-of-sync and heals by
 * catching up; a replaced master is fenced. The link here applies to the replica copy in-process and can be cut.
 */
class SyncReplicatorTest {
    private static final long ALICE = 1001;
    private static final Instant DATE = Instant.parse("2024-05-01T10:15:30Z");

    @TempDir
    Path dir;
    SlotStore master;
    SlotStore replica;
    final AtomicBoolean cut = new AtomicBoolean();
    final AtomicBoolean lease = new AtomicBoolean(true);
    final Directory directory = new Directory();
    SyncReplicator replicator;

    /** The directory's view of the slot: its epoch and in-sync flag, and whether it can be reached. */
    static final class Directory implements SyncReplicator.SyncRecord {
        volatile long epoch = 1;
        volatile boolean inSync = true;
        volatile boolean reachable = true;
        final AtomicInteger outOfSyncMarks = new AtomicInteger();

        @Override
        public synchronized boolean markOutOfSync(int slotId, long atEpoch, String reason) {
            if (!reachable) {
                throw new StoreException(StoreException.Reason.IO, "directory unreachable");
            }
            if (atEpoch != epoch) {
                return false;
            }
            inSync = false;
            outOfSyncMarks.incrementAndGet();
            return true;
        }

        @Override
        public synchronized boolean markInSync(int slotId, long atEpoch) {
            if (!reachable || atEpoch != epoch) {
                return false;
            }
            inSync = true;
            return true;
        }
    }

    /** Ships straight into the replica copy, as the network link does; fails while {@link #cut} is set. */
    final class DirectLink implements ReplicaLink {
        private boolean broken;

        @Override
        public long replicaSeq() {
            return replica.lastChangeSeq();
        }

        @Override
        public void ship(SlotStore from, List<ChangeRecord> records) throws IOException {
            if (broken || cut.get()) {
                broken = true;
                throw new IOException("link cut");
            }
            for (ChangeRecord r : records) {
                for (String hash : r.bodyHashes()) {
                    if (!replica.hasBody(hash)) {
                        try (InputStream in = from.openBody(hash)) {
                            replica.receiveBody(hash, in);
                        }
                    }
                }
            }
            replica.applyChanges(records);
        }

        @Override
        public void reset() throws IOException {
            if (broken || cut.get()) {
                broken = true;
                throw new IOException("link cut");
            }
            replica.resetForResync();
        }

        @Override
        public org.mailslot.store.CopyDigest digest() {
            return replica.copyDigest();
        }

        @Override
        public org.mailslot.store.BodyCheck checkBodies() {
            return replica.checkBodies();
        }

        @Override
        public void repairBody(SlotStore from, String hash) throws IOException {
            try (InputStream in = from.openBody(hash)) {
                replica.receiveBody(hash, in);
            }
        }

        @Override
        public boolean fetchBody(SlotStore into, String hash) throws IOException {
            if (!replica.hasBody(hash)) {
                return false;
            }
            try (InputStream in = replica.openBody(hash)) {
                into.receiveBody(hash, in);
            }
            return true;
        }

        @Override
        public void close() {
            broken = true;
        }
    }

    @BeforeEach
    void open() {
        master = SlotStore.open(dir.resolve("master"), 5, StoreSettings.defaults());
        replica = SlotStore.open(dir.resolve("replica"), 5, StoreSettings.defaults());
        replica.becomeReplica(1);
        replicator = new SyncReplicator(master, 1, "node-b", true, () -> {
            if (cut.get()) {
                throw new IOException("connection refused");
            }
            return new DirectLink();
        }, directory, lease::get, Duration.ofMillis(20));
        master.becomeMaster(1, replicator);
    }

    @AfterEach
    void close() {
        replicator.close();
        master.close();
        replica.close();
    }

    static MessageContent mail(String subject) {
        return MessageContent.of(("Subject: " + subject + "\r\n\r\nbody " + subject + "\r\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    boolean onReplica(AppendResult r) {
        long box = replica.mailbox(ALICE, "INBOX").map(m -> m.id()).orElse(-1L);
        return box > 0 && replica.message(box, r.uid()).isPresent();
    }

    @Test
    void inSyncEveryAcknowledgedWriteIsAlreadyOnTheReplica() {
        master.createAccount(ALICE);
        for (int i = 0; i < 20; i++) {
            AppendResult r = master.append(ALICE, "INBOX", mail("m" + i), Set.of(), DATE, 0);
            assertThat(onReplica(r)).as("message %d on the replica when append returned", i).isTrue();
        }
        assertThat(replica.contentDigest()).isEqualTo(master.contentDigest());
        assertThat(directory.outOfSyncMarks).hasValue(0);
    }

    @Test
    void aCutLinkIsRecordedOutOfSyncBeforeTheAnswerAndHealsByCatchingUp() {
        master.createAccount(ALICE);
        cut.set(true);
        List<AppendResult> acknowledged = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            acknowledged.add(master.append(ALICE, "INBOX", mail("cut" + i), Set.of(), DATE, 0));
            assertThat(directory.inSync).as("recorded out of sync before append %d returned", i).isFalse();
        }
        assertThat(acknowledged).noneMatch(this::onReplica);
        assertThat(replicator.inSync()).isFalse();

        cut.set(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> directory.inSync && replicator.inSync());
        assertThat(acknowledged).allMatch(this::onReplica);
        AppendResult after = master.append(ALICE, "INBOX", mail("after"), Set.of(), DATE, 0);
        assertThat(onReplica(after)).isTrue();
        assertThat(replica.contentDigest()).isEqualTo(master.contentDigest());
    }

    @Test
    void aReplicaWhoseRowsDivergedIsResyncedInFullWhenAsked() throws Exception {
        master.createAccount(ALICE);
        AppendResult first = master.append(ALICE, "INBOX", mail("first"), Set.of(), DATE, 0);
        master.append(ALICE, "INBOX", mail("second"), Set.of(), DATE, 0);
        long box = replica.mailbox(ALICE, "INBOX").orElseThrow().id();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:"
                + dir.resolve("replica/slot.db"));
             java.sql.PreparedStatement st = c.prepareStatement("UPDATE message SET flags = '$Tampered'"
                     + " WHERE mailbox_id = ? AND uid = ?")) {
            st.setLong(1, box);
            st.setLong(2, first.uid());
            assertThat(st.executeUpdate()).isEqualTo(1);
        }
        // the logs still agree, so shipping alone would never notice: only a scrub does, and asks for this
        assertThat(replica.contentDigest()).isNotEqualTo(master.contentDigest());

        assertThat(replicator.resync("scrub: mailbox " + box + " differs")).isTrue();
        assertThat(directory.inSync).isFalse();
        assertThat(directory.outOfSyncMarks).hasValue(1);
        AppendResult during = master.append(ALICE, "INBOX", mail("during"), Set.of(), DATE, 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> directory.inSync && replicator.inSync());
        assertThat(onReplica(during)).isTrue();
        assertThat(replica.copyDigest()).isEqualTo(master.copyDigest());
        assertThat(replica.message(box, first.uid()).orElseThrow().flags()).isEmpty();

        directory.epoch = 2; // promoted elsewhere meanwhile: this master has nothing left to resync
        assertThat(replicator.resync("too late")).isFalse();
    }

    @Test
    void withoutTheDirectoryAWriteThatCannotBeReplicatedFails() {
        master.createAccount(ALICE);
        cut.set(true);
        directory.reachable = false;
        assertThatThrownBy(() -> master.append(ALICE, "INBOX", mail("lost?"), Set.of(), DATE, 0))
                .isInstanceOf(StoreException.class).hasMessageContaining("directory unreachable");
        assertThat(directory.inSync).isTrue(); // nothing was acknowledged, so the flag may stay
        // the write is committed here, not acknowledged; once things heal it reaches the replica too
        directory.reachable = true;
        cut.set(false);
        AppendResult next = master.append(ALICE, "INBOX", mail("next"), Set.of(), DATE, 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> replicator.inSync()
                && replica.lastChangeSeq() == master.lastChangeSeq());
        assertThat(onReplica(next)).isTrue();
        assertThat(replica.contentDigest()).isEqualTo(master.contentDigest());
    }

    @Test
    void outOfSyncAndWithoutALeaseNothingIsAcknowledged() {
        master.createAccount(ALICE);
        cut.set(true);
        master.append(ALICE, "INBOX", mail("recorded out of sync"), Set.of(), DATE, 0);
        assertThat(directory.inSync).isFalse();
        lease.set(false); // the node could not read the slot map for a lease time: it may have been replaced
        assertThatThrownBy(() -> master.append(ALICE, "INBOX", mail("unconfirmed"), Set.of(), DATE, 0))
                .isInstanceOf(StoreException.class).hasMessageContaining("not acknowledging");
        lease.set(true);
        master.append(ALICE, "INBOX", mail("confirmed again"), Set.of(), DATE, 0);
    }

    @Test
    void aMasterReplacedAtAHigherEpochIsFencedAndAnswersNothing() {
        master.createAccount(ALICE);
        directory.epoch = 2; // promoted elsewhere
        cut.set(true);       // and the replica no longer takes our changes
        assertThatThrownBy(() -> master.append(ALICE, "INBOX", mail("stale"), Set.of(), DATE, 0))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.NOT_MASTER);
        assertThat(master.role()).isEqualTo(CopyRole.FENCED);
        assertThatThrownBy(() -> master.append(ALICE, "INBOX", mail("again"), Set.of(), DATE, 0))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.NOT_MASTER);
    }

    @Test
    void concurrentWritersWhileTheLinkFlapsLoseNothingAcknowledged() throws Exception {
        master.createAccount(ALICE);
        ConcurrentLinkedQueue<AppendResult> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 6; w++) {
            int id = w;
            writers.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; !stop.get(); i++) {
                    try {
                        AppendResult r = master.append(ALICE, "INBOX", mail("w" + id + "-" + i), Set.of(), DATE, 0);
                        if (directory.inSync && !onReplica(r)) {
                            unexpected.compareAndSet(null, new AssertionError("acknowledged " + r.uid()
                                    + " while in sync but not on the replica"));
                        }
                        acknowledged.add(r);
                    } catch (RuntimeException e) {
                        unexpected.compareAndSet(null, e);
                    }
                }
            }));
        }
        for (int flap = 0; flap < 6; flap++) { // cut, heal, cut, ...: each heal long enough to rejoin
            Thread.sleep(150);
            cut.set(!cut.get());
            if (!cut.get()) {
                await().atMost(Duration.ofSeconds(10)).until(replicator::inSync);
            }
        }
        cut.set(false);
        Thread.sleep(60);
        stop.set(true);
        for (Thread t : writers) {
            t.join(10_000);
        }
        assertThat(unexpected.get()).isNull();
        await().atMost(Duration.ofSeconds(15)).until(() -> replicator.inSync()
                && replica.lastChangeSeq() == master.lastChangeSeq());
        long box = master.mailbox(ALICE, "INBOX").orElseThrow().id();
        List<Long> masterUids = master.messages(box).stream().map(MessageMeta::uid).toList();
        assertThat(acknowledged).isNotEmpty().allMatch(this::onReplica);
        assertThat(masterUids).hasSize(acknowledged.size());
        assertThat(replica.contentDigest()).isEqualTo(master.contentDigest());
        assertThat(directory.outOfSyncMarks).hasValue(3); // one per cut: each heal rejoined
        System.out.printf("flapping link: %d appends acknowledged, %d out-of-sync marks, lost 0%n",
                acknowledged.size(), directory.outOfSyncMarks.get());
    }
}
