package org.mailslot.cluster;

import org.mailslot.core.testing.TestClock;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Directory;
import org.mailslot.directory.DirectorySettings;
import org.mailslot.directory.NodeState;
import org.mailslot.directory.Slot;

/** Automatic failover decisions over a real directory, with a clock the test moves. */
class ClusterManagerTest {
    static final Duration AFTER = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    final TestClock clock = new TestClock();
    Directory directory;

    @BeforeEach
    void cluster() {
        directory = Directory.open(DirectorySettings.defaults("jdbc:sqlite:" + dir.resolve("directory.db")), clock);
        for (String n : List.of("a", "b", "c")) {
            directory.registerNode(n, "127.0.0.1");
        }
        directory.initCluster(1, Placement::extend); // 6 slots, each node masters 2
        beat("a", "b", "c");
    }

    @AfterEach
    void close() {
        directory.close();
    }

    void beat(String... nodes) {
        for (String n : nodes) {
            directory.nodeHeartbeat(n, clock.now);
        }
    }

    ClusterManager manager(String node) {
        return new ClusterManager(node, directory, AFTER, Duration.ofSeconds(2), clock);
    }

    @Test
    void theMastersOfANodeThatStoppedAreOnTheirInSyncReplicasAndItComesBackActive() {
        ClusterManager onB = manager("b");
        ClusterManager onC = manager("c");
        assertThat(onB.tick()).isEmpty(); // everyone alive
        List<Integer> aMasters = directory.listSlots().stream().filter(s -> s.masterNode().equals("a"))
                .map(Slot::id).toList();
        assertThat(aMasters).hasSize(2);
        Slot outOfSync = directory.slot(aMasters.get(1)).orElseThrow();
        directory.markReplicaInSync(outOfSync.id(), outOfSync.epoch(), false, "behind");

        clock.now = clock.now.plusSeconds(11);
        beat("b", "c"); // a stopped
        List<Slot> promoted = onB.tick(); // b renews its lease (it led before) and acts
        assertThat(onC.tick()).isEmpty(); // b leads: c does nothing
        assertThat(promoted).extracting(Slot::id).containsExactly(aMasters.get(0));
        assertThat(promoted.getFirst().replicaNode()).isEqualTo("a");
        assertThat(directory.listSlotEvents(aMasters.get(0))).last().extracting(e -> e.kind()).isEqualTo("failover");
        // the out-of-sync one waits for an operator, reported once
        assertThat(directory.slot(outOfSync.id()).orElseThrow().masterNode()).isEqualTo("a");
        clock.now = clock.now.plusSeconds(1);
        beat("b", "c");
        assertThat(onB.tick()).isEmpty();
        assertThat(directory.listSlotEvents(outOfSync.id())).filteredOn(e -> e.kind().equals("failover-blocked"))
                .singleElement().satisfies(e -> assertThat(e.detail()).contains("out of sync", "--force"));
        assertThat(state("a")).isEqualTo(NodeState.ACTIVE); // still masters a slot

        directory.promoteReplica(outOfSync.id(), outOfSync.epoch(), true, false, "operator accepts the loss");
        onB.tick();
        assertThat(state("a")).isEqualTo(NodeState.DOWN);

        clock.now = clock.now.plusSeconds(1);
        beat("a", "b", "c"); // a is back: it rejoins as replica by itself
        assertThat(onB.tick()).isEmpty();
        assertThat(state("a")).isEqualTo(NodeState.ACTIVE);
    }

    @Test
    void theLeadershipMovesWhenTheManagerStops() {
        ClusterManager onB = manager("b");
        ClusterManager onC = manager("c");
        onB.tick();
        clock.now = clock.now.plusSeconds(3); // b's lease (2 s) ran out: b stopped
        beat("a", "c");
        onC.tick();
        clock.now = clock.now.plusSeconds(11);
        beat("a", "c");
        List<Slot> promoted = onC.tick();
        assertThat(promoted).hasSize(2).allMatch(s -> !s.masterNode().equals("b"));
        assertThat(onB.tick()).isEmpty(); // b is back but c holds the lease
    }

    @Test
    void whenTheManagersOwnNodeDiesTheNextManagerFailsItOver() {
        ClusterManager onA = manager("a");
        ClusterManager onB = manager("b");
        assertThat(onA.tick()).isEmpty(); // a leads
        assertThat(onB.tick()).isEmpty(); // b follows, and watches
        clock.now = clock.now.plusSeconds(11); // a dies with the lease; b takes over long after a's last beat
        beat("b", "c");
        List<Slot> promoted = onB.tick();
        assertThat(promoted).hasSize(2).allMatch(s -> !s.masterNode().equals("a"));
    }

    @Test
    void aColdStartFindsOldHeartbeatsButFailsNothingOver() {
        clock.now = clock.now.plusSeconds(3600); // the whole cluster was down for an hour; a starts first
        beat("a");
        ClusterManager onA = manager("a");
        assertThat(onA.tick()).isEmpty();
        clock.now = clock.now.plusSeconds(30); // b and c take their time
        beat("a");
        assertThat(onA.tick()).isEmpty();
        beat("b", "c");
        onA.tick();
        clock.now = clock.now.plusSeconds(11); // now c stops, having been seen
        beat("a", "b");
        assertThat(onA.tick()).hasSize(2).allMatch(s -> !s.masterNode().equals("c"));
    }

    @Test
    void aNodeThatNeverSentAHeartbeatIsLeftAlone() {
        directory.registerNode("d", "127.0.0.4");
        clock.now = clock.now.plusSeconds(5);
        beat("a", "b", "c");
        assertThat(manager("a").tick()).isEmpty();
        assertThat(state("d")).isEqualTo(NodeState.ACTIVE);
    }

    NodeState state(String node) {
        return directory.listNodes().stream().filter(n -> n.name().equals(node)).findFirst().orElseThrow().state();
    }
}
