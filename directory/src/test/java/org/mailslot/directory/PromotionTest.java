package org.mailslot.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailslot.directory.DirectoryException.Reason.INVALID;
import static org.mailslot.directory.DirectoryException.Reason.NOT_FOUND;
import static org.mailslot.directory.Fixtures.fails;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The in-sync flag and promotion (DESIGN.md section 5, invariants 1-3), on SQLite and PostgreSQL. */
class PromotionTest {
    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");

    /** Slot 1: master store1, replica store2, epoch 1, in sync. */
    private static Directory open(Backend backend) {
        Directory d = Directory.open(backend.settings(), Clock.fixed(NOW, ZoneOffset.UTC));
        d.registerNode("store1", "10.0.0.1");
        d.registerNode("store2", "10.0.0.2");
        d.initCluster(1, (nodes, existing, k) -> List.of(new SlotPlacement(1, "store1", "store2"),
                new SlotPlacement(2, "store2", "store1")));
        return d;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void theInSyncFlagChangesOnlyAtTheWritersEpoch(Backend backend) {
        try (Directory d = open(backend)) {
            assertThat(d.markReplicaInSync(1, 1, false, "replica did not answer within 2s")).isTrue();
            assertThat(d.slot(1).orElseThrow().inSync()).isFalse();
            assertThat(d.listSlotEvents(1)).last().extracting(SlotEvent::kind, SlotEvent::detail)
                    .containsExactly("replica-out-of-sync", "replica did not answer within 2s");
            assertThat(d.markReplicaInSync(1, 2, true, null)).isFalse(); // a writer at another epoch is stale
            assertThat(d.slot(1).orElseThrow().inSync()).isFalse();
            assertThat(d.markReplicaInSync(1, 1, true, null)).isTrue();
            assertThat(d.slot(1).orElseThrow().inSync()).isTrue();
            fails(NOT_FOUND, "slot 9", () -> d.markReplicaInSync(9, 1, true, null));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void promotionSwapsRolesAndBumpsTheEpochOnce(Backend backend) {
        try (Directory d = open(backend)) {
            Slot promoted = d.promoteReplica(1, 1, false, false, "store1 missed heartbeats");
            assertThat(promoted).isEqualTo(new Slot(1, "store2", "store1", 2, false));
            assertThat(d.listSlotEvents(1)).last().extracting(SlotEvent::kind).isEqualTo("failover");
            // the old master cannot record anything at its epoch any more: it learns it is stale
            assertThat(d.markReplicaInSync(1, 1, false, "late")).isFalse();
            // the old master, now an out-of-sync replica, cannot be promoted back without --force
            fails(INVALID, "--force", () -> d.promoteReplica(1, 2, false, false, null));
            fails(INVALID, "not 1", () -> d.promoteReplica(1, 1, true, false, null));
            d.reportCopy(1, "store1", 90, 0);
            d.reportCopy(1, "store2", 120, 0);
            Slot forced = d.promoteReplica(1, 2, true, false, "store2 lost its disk");
            assertThat(forced).isEqualTo(new Slot(1, "store1", "store2", 3, false));
            assertThat(d.listSlotEvents(1)).last().satisfies(e -> {
                assertThat(e.kind()).isEqualTo("forced-promotion");
                assertThat(e.detail()).contains("store2 last reported seq 120", "store1 last reported seq 90",
                        "may be lost");
            });
            Slot planned = d.promoteReplica(2, 1, false, true, "drain store2");
            assertThat(planned).isEqualTo(new Slot(2, "store1", "store2", 2, true));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void aSwitchoverIsAskedForUntilThePromotionHappens(Backend backend) {
        try (Directory d = open(backend)) {
            assertThat(d.pendingSwitchovers()).isEmpty();
            d.requestSwitchover(2);
            d.requestSwitchover(2); // asking twice is asking once
            assertThat(d.pendingSwitchovers()).containsExactly(2);
            d.promoteReplica(2, 1, false, true, "switchover");
            assertThat(d.pendingSwitchovers()).isEmpty();
            d.markReplicaInSync(1, 1, false, "behind");
            fails(INVALID, "out of sync", () -> d.requestSwitchover(1));
            fails(NOT_FOUND, "slot 9", () -> d.requestSwitchover(9));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void twoOperatorsPromotingAtOnceBumpTheEpochOnce(Backend backend) throws Exception {
        try (Directory d = open(backend)) {
            ConcurrentLinkedQueue<Object> outcomes = new ConcurrentLinkedQueue<>();
            CountDownLatch go = new CountDownLatch(1);
            Thread[] threads = new Thread[4];
            for (int i = 0; i < threads.length; i++) {
                threads[i] = Thread.ofVirtual().start(() -> {
                    try {
                        go.await();
                        outcomes.add(d.promoteReplica(1, 1, false, false, null));
                    } catch (DirectoryException e) {
                        outcomes.add(e.reason());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            go.countDown();
            for (Thread t : threads) {
                t.join(10_000);
            }
            assertThat(outcomes).hasSize(4).filteredOn(o -> o instanceof Slot).hasSize(1);
            assertThat(d.slot(1).orElseThrow().epoch()).isEqualTo(2);
        }
    }
}
