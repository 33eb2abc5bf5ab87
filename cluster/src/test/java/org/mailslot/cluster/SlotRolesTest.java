package org.mailslot.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Directory;
import org.mailslot.directory.DirectorySettings;
import org.mailslot.directory.Slot;
import org.mailslot.store.AppendResult;
import org.mailslot.store.ChangeRecord;
import org.mailslot.store.CopyRole;
import org.mailslot.store.MessageContent;
import org.mailslot.store.MessageMeta;
import org.mailslot.store.SlotStore;
import org.mailslot.store.SlotStores;
import org.mailslot.store.StoreException;
import org.mailslot.store.StoreSettings;
import org.mailslot.store.replication.ReplicaLink;
import org.mailslot.store.replication.ReplicaSlots;
import org.mailslot.store.replication.ReplicationException;

/**
 * Two nodes sharing one directory, each with its own slot stores; links go straight to the other node's
 * {@link SlotRoles#replicaCopy} (the network link has its own tests). Roles follow the directory: the master ships,
 * the replica applies, a failover swaps them at epoch + 1, the old master refuses writes and, back as replica, is
 * resynced.
 */
class SlotRolesTest {
    private static final long ALICE = 1001;
    private static final Instant DATE = Instant.parse("2024-05-01T10:15:30Z");

    @TempDir
    Path dir;
    Directory directory;
    SlotStores storesA;
    SlotStores storesB;
    SlotRoles rolesA;
    SlotRoles rolesB;
    final java.util.concurrent.atomic.AtomicBoolean aReachable = new java.util.concurrent.atomic.AtomicBoolean(true);

    @BeforeEach
    void start() {
        directory = Directory.open(DirectorySettings.defaults("jdbc:sqlite:" + dir.resolve("directory.db")));
        directory.registerNode("a", "127.0.0.11");
        directory.registerNode("b", "127.0.0.12");
        directory.initCluster(1, Placement::extend);
        storesA = SlotStores.open(dir.resolve("a"), StoreSettings.defaults());
        storesB = SlotStores.open(dir.resolve("b"), StoreSettings.defaults());
        Map<String, SlotRoles[]> nodes = new java.util.HashMap<>();
        SlotRoles[] a = new SlotRoles[1];
        SlotRoles[] b = new SlotRoles[1];
        nodes.put("a", a);
        nodes.put("b", b);
        rolesA = new SlotRoles("a", directory, storesA, (to, slot, epoch) -> link(nodes.get(to)[0], slot, epoch),
                Duration.ofSeconds(10), Duration.ofMillis(20));
        rolesB = new SlotRoles("b", directory, storesB, (to, slot, epoch) -> {
            if (!aReachable.get()) {
                throw new IOException("node a unreachable");
            }
            return link(nodes.get(to)[0], slot, epoch);
        }, Duration.ofSeconds(10), Duration.ofMillis(20));
        a[0] = rolesA;
        b[0] = rolesB;
        rolesA.refresh();
        rolesB.refresh();
    }

    @AfterEach
    void stop() {
        rolesA.close();
        rolesB.close();
        storesA.close();
        storesB.close();
        directory.close();
    }

    /** A link into the other node's replica copy, refused as the network server would refuse it. */
    static ReplicaLink link(SlotRoles target, int slot, long epoch) throws IOException {
        SlotStore replica;
        try {
            replica = target.replicaCopy(slot, epoch);
        } catch (ReplicaSlots.Refused e) {
            throw new IOException("refused: " + e.getMessage());
        }
        return new ReplicaLink() {
            private boolean checked;

            @Override
            public long replicaSeq() {
                return replica.lastChangeSeq();
            }

            @Override
            public void ship(SlotStore master, List<ChangeRecord> records) throws IOException {
                stillReplica();
                if (!checked) { // as the network link's OPEN does: the replica's last record must be the master's
                    long last = replica.lastChangeSeq();
                    if (last > 0 && (last > master.lastChangeSeq() || master.changesSince(last - 1, 1).getFirst()
                            .crc32c() != replica.changesSince(last - 1, 1).getFirst().crc32c())) {
                        throw new ReplicationException(ReplicationException.Reason.RESYNC_NEEDED,
                                "replica diverged at seq " + last + ": it needs a full resync");
                    }
                    checked = true;
                }
                for (ChangeRecord r : records) {
                    for (String hash : r.bodyHashes()) {
                        if (!replica.hasBody(hash)) {
                            try (InputStream in = master.openBody(hash)) {
                                replica.receiveBody(hash, in);
                            }
                        }
                    }
                }
                replica.applyChanges(records);
            }

            @Override
            public void reset() throws IOException {
                stillReplica();
                replica.resetForResync();
                checked = true;
            }

            @Override
            public org.mailslot.store.CopyDigest digest() throws IOException {
                stillReplica();
                return replica.copyDigest();
            }

            @Override
            public org.mailslot.store.BodyCheck checkBodies() throws IOException {
                stillReplica();
                return replica.checkBodies();
            }

            @Override
            public void repairBody(SlotStore master, String hash) throws IOException {
                try (InputStream in = master.openBody(hash)) {
                    replica.receiveBody(hash, in);
                }
            }

            @Override
            public boolean fetchBody(SlotStore master, String hash) throws IOException {
                if (!replica.hasBody(hash)) {
                    return false;
                }
                try (InputStream in = replica.openBody(hash)) {
                    master.receiveBody(hash, in);
                }
                return true;
            }

            private void stillReplica() throws IOException {
                try {
                    target.replicaCopy(slot, epoch); // a failover meanwhile refuses a stale master
                } catch (ReplicaSlots.Refused e) {
                    throw new IOException("refused: " + e.getMessage());
                }
            }

            @Override
            public void close() {
            }
        };
    }

    static MessageContent mail(String subject) {
        return MessageContent.of(("Subject: " + subject + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void rolesFollowTheDirectoryThroughAFailover() {
        Slot slot = directory.listSlots().stream().filter(s -> s.masterNode().equals("a")).findFirst().orElseThrow();
        int id = slot.id();
        SlotStore onA = storesA.slot(id);
        SlotStore onB = storesB.slot(id);
        assertThat(onA.role()).isEqualTo(CopyRole.MASTER);
        assertThat(onB.role()).isEqualTo(CopyRole.REPLICA);
        assertThat(rolesA.masters(id)).isTrue();
        assertThat(rolesB.masters(id)).isFalse();

        onA.createAccount(ALICE);
        AppendResult first = onA.append(ALICE, "INBOX", mail("before"), Set.of(), DATE, 0);
        assertThat(onB.contentDigest()).isEqualTo(onA.contentDigest());
        long seq = onA.lastChangeSeq();
        assertThat(rolesA.positions()).filteredOn(p -> p.slotId() == id).containsExactlyInAnyOrder(
                new SlotRoles.Position(id, "a", seq, Duration.ZERO), new SlotRoles.Position(id, "b", seq, Duration.ZERO));
        assertThat(rolesB.positions()).noneMatch(p -> p.slotId() == id); // reported by the master only
        assertThatThrownBy(() -> onB.append(ALICE, "INBOX", mail("on the replica"), Set.of(), DATE, 0))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.NOT_MASTER);

        aReachable.set(false); // b's links to a fail until the stale write below has happened
        Slot promoted = directory.promoteReplica(id, slot.epoch(), false, false, "test failover");
        assertThat(promoted.masterNode()).isEqualTo("b");
        assertThat(rolesB.refresh()).contains(id);
        assertThat(onB.role()).isEqualTo(CopyRole.MASTER);
        assertThat(onB.epoch()).isEqualTo(promoted.epoch());
        assertThat(rolesB.masters(id)).isTrue();

        // the old master has not looked yet: the new master refuses its change and the directory says its epoch is
        // stale, so its write is not acknowledged and the copy is fenced
        assertThatThrownBy(() -> onA.append(ALICE, "INBOX", mail("stale"), Set.of(), DATE, 0))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.NOT_MASTER);
        assertThat(onA.role()).isEqualTo(CopyRole.FENCED);
        aReachable.set(true);

        // the new master's writes are acknowledged while its replica is out of sync (the failover recorded it so)
        AppendResult after = onB.append(ALICE, "INBOX", mail("after"), Set.of(), DATE, 0);
        assertThat(after.uid()).isGreaterThan(first.uid());
        rolesA.refresh();
        assertThat(onA.role()).isEqualTo(CopyRole.REPLICA);
        onB.append(ALICE, "INBOX", mail("after 2"), Set.of(), DATE, 0);
        assertThat(directory.listSlotEvents(id)).extracting(e -> e.kind()).contains("failover");

        // a holds its own unacknowledged "stale" message under the uid b gave "after": applying b's changes on top
        // would mix two histories, so the divergence check asks for a full resync; b empties a's copy and ships its
        // whole log, and only then records the slot in sync again
        await().atMost(Duration.ofSeconds(10)).until(() -> directory.slot(id).orElseThrow().inSync());
        assertThat(rolesB.replicaInSync(id)).isTrue();
        assertThat(onA.lastChangeSeq()).isEqualTo(onB.lastChangeSeq());
        assertThat(onA.contentDigest()).isEqualTo(onB.contentDigest());
        assertThat(onA.verify().problems()).isEmpty();
        long inboxOnA = onA.mailbox(ALICE, "INBOX").orElseThrow().id();
        long inboxOnB = onB.mailbox(ALICE, "INBOX").orElseThrow().id();
        assertThat(onA.messages(inboxOnA)).isEqualTo(onB.messages(inboxOnB))
                .extracting(MessageMeta::envelope).noneMatch(e -> e.contains("\"stale\""))
                .anyMatch(e -> e.contains("\"after\""));
        assertThat(onA.message(inboxOnA, after.uid()).orElseThrow().blobHash())
                .isEqualTo(onB.message(inboxOnB, after.uid()).orElseThrow().blobHash());

        // in sync: the next write is on a when it is answered
        AppendResult next = onB.append(ALICE, "INBOX", mail("in sync"), Set.of(), DATE, 0);
        assertThat(onA.message(inboxOnA, next.uid())).isPresent();
    }

    @Test
    void aSwitchoverAndADrainMoveMastersWithoutLosingAnAcknowledgedWrite() {
        Slot slot = directory.listSlots().stream().filter(x -> x.masterNode().equals("a")).findFirst().orElseThrow();
        int id = slot.id();
        SlotStore onA = storesA.slot(id);
        SlotStore onB = storesB.slot(id);
        onA.createAccount(ALICE);
        AppendResult before = onA.append(ALICE, "INBOX", mail("before the switchover"), Set.of(), DATE, 0);

        directory.requestSwitchover(id);
        assertThat(rolesA.refresh()).contains(id); // a stops writing, sees b has everything, promotes b
        assertThat(onA.role()).isEqualTo(CopyRole.REPLICA);
        assertThatThrownBy(() -> onA.append(ALICE, "INBOX", mail("late"), Set.of(), DATE, 0))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.NOT_MASTER);
        Slot after = directory.slot(id).orElseThrow();
        assertThat(after).isEqualTo(new Slot(id, "b", "a", slot.epoch() + 1, true));
        assertThat(directory.pendingSwitchovers()).isEmpty();
        assertThat(directory.listSlotEvents(id)).last().extracting(e -> e.kind()).isEqualTo("switchover");

        assertThat(rolesB.refresh()).contains(id);
        long inbox = onB.mailbox(ALICE, "INBOX").orElseThrow().id();
        assertThat(onB.message(inbox, before.uid())).isPresent();
        AppendResult next = onB.append(ALICE, "INBOX", mail("after the switchover"), Set.of(), DATE, 0);
        assertThat(onA.message(inbox, next.uid())).isPresent(); // shipped to a, in sync, before it was answered
        assertThat(onA.contentDigest()).isEqualTo(onB.contentDigest());

        // drain b: every master it holds goes to a; a, being active, is not drained back
        directory.setNodeState("b", org.mailslot.directory.NodeState.DRAINED);
        rolesB.refresh();
        rolesA.refresh();
        assertThat(directory.listSlots()).allMatch(x -> x.masterNode().equals("a"));
        assertThat(rolesA.refresh()).isEmpty();
        assertThat(onA.role()).isEqualTo(CopyRole.MASTER);
        assertThat(onA.message(inbox, next.uid())).isPresent();
        onA.append(ALICE, "INBOX", mail("after the drain"), Set.of(), DATE, 0);
        assertThat(onB.contentDigest()).isEqualTo(onA.contentDigest());
    }
}
