package org.mailslot.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mailslot.directory.DirectoryException.Reason.INVALID;
import static org.mailslot.directory.Fixtures.fails;
import static org.mailslot.directory.Fixtures.pw;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** initCluster: what the directory does with a layout (the placement rules themselves are tested in cluster). */
class ClusterSetupTest {

    /**
     * A stand-in for the cluster module's placement, which the directory cannot depend on: slots without a
     * replica get the other nodes in turn, then new slots fill every ordered pair up to k.
     */
    private static final SlotLayout NEXT_NODE = (nodes, existing, k) -> {
        Map<List<String>, Integer> pairs = new HashMap<>();
        List<SlotPlacement> out = new ArrayList<>();
        int next = 1;
        for (Slot s : existing) {
            next = Math.max(next, s.id() + 1);
            String replica = s.replicaNode() != null ? s.replicaNode()
                    : nodes.get((nodes.indexOf(s.masterNode()) + 1 + s.id() % (nodes.size() - 1)) % nodes.size());
            if (s.replicaNode() == null) {
                out.add(new SlotPlacement(s.id(), s.masterNode(), replica));
            }
            pairs.merge(List.of(s.masterNode(), replica), 1, Integer::sum);
        }
        for (String m : nodes) {
            for (String r : nodes) {
                int have = m.equals(r) ? k : pairs.getOrDefault(List.of(m, r), 0);
                if (have > k) {
                    throw new IllegalArgumentException(m + " -> " + r + " holds " + have + " slots, use --slots-per-pair " + have);
                }
                for (int i = have; i < k; i++) {
                    out.add(new SlotPlacement(next++, m, r));
                }
            }
        }
        return out;
    };

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void aSingleNodeInstallKeepsItsSlotsAndAccounts(Backend backend) {
        try (Directory d = backend.open()) {
            d.registerNode("node1", "10.0.0.1");
            d.ensureSlots("node1", 4);
            d.addDomain("example.test");
            for (int i = 0; i < 6; i++) {
                d.addAccount("user" + i + "@example.test", pw("secret"), 0);
            }
            Map<Integer, Integer> accountsBefore = d.accountsPerSlot();
            d.addNode("node2", "10.0.0.2", Set.of(NodeRole.STORE));
            d.addNode("node3", "10.0.0.3", Set.of(NodeRole.STORE, NodeRole.FRONT));
            d.addNode("front1", "10.0.1.1", Set.of(NodeRole.FRONT));

            ClusterInit init = d.initCluster(2, NEXT_NODE);

            assertThat(init.slotsPerPair()).isEqualTo(2);
            assertThat(init.replicasAdded()).containsExactly(new SlotPlacement(1, "node1", "node3"),
                    new SlotPlacement(2, "node1", "node2"), new SlotPlacement(3, "node1", "node3"),
                    new SlotPlacement(4, "node1", "node2"));
            assertThat(init.slotsAdded()).hasSize(3 * 2 * 2 - 4).allMatch(p -> p.slot() > 4);
            List<Slot> slots = d.listSlots();
            assertThat(slots).hasSize(12);
            // Existing slots keep id, master and epoch; their new replica is out of sync until it has copied them.
            assertThat(slots.subList(0, 4)).allMatch(s -> s.masterNode().equals("node1") && s.replicaNode() != null
                    && s.epoch() == 1 && !s.inSync());
            assertThat(slots.subList(4, 12)).allMatch(s -> s.replicaNode() != null && s.epoch() == 1 && s.inSync());
            assertThat(slots).noneMatch(s -> s.masterNode().equals("front1") || "front1".equals(s.replicaNode()));
            Map<Integer, Integer> accountsAfter = d.accountsPerSlot();
            accountsBefore.forEach((slot, count) -> assertThat(accountsAfter.get(slot)).isEqualTo(count));
            assertThat(d.listSlotEvents(1)).singleElement().satisfies(e -> {
                assertThat(e.kind()).isEqualTo("replica-added");
                assertThat(e.detail()).contains("node3").contains("out of sync");
            });
            assertThat(d.listSlotEvents(5)).isEmpty();

            // Run again: nothing to do.
            ClusterInit again = d.initCluster(2, NEXT_NODE);
            assertThat(again.replicasAdded()).isEmpty();
            assertThat(again.slotsAdded()).isEmpty();
            assertThat(d.listSlots()).isEqualTo(slots);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void refusesWhatItCannotDoAndChangesNothing(Backend backend) {
        try (Directory d = backend.open()) {
            d.registerNode("node1", "10.0.0.1");
            d.ensureSlots("node1", 4);
            d.addNode("front1", "10.0.1.1", Set.of(NodeRole.FRONT));
            fails(INVALID, "at least 2 store nodes, the directory has 1 (node1)", () -> d.initCluster(2, NEXT_NODE));

            d.addNode("node2", "10.0.0.2", Set.of(NodeRole.STORE));
            List<Slot> before = d.listSlots();
            fails(INVALID, "node1 -> node2 holds 4 slots, use --slots-per-pair 4", () -> d.initCluster(2, NEXT_NODE));
            fails(INVALID, "slots per pair must be between 1", () -> d.initCluster(0, NEXT_NODE));
            fails(INVALID, "more than the " + SlotMap.MAX_SLOTS, () -> d.initCluster(SlotMap.MAX_SLOTS / 2 + 1, NEXT_NODE));
            assertThatThrownBy(() -> d.initCluster(4, (nodes, existing, k) -> List.of(
                    new SlotPlacement(5, "node1", "node2"), new SlotPlacement(1, "node2", "node1"))))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("slot=1");
            assertThatThrownBy(() -> d.initCluster(4, (nodes, existing, k) -> List.of(new SlotPlacement(5, "node1", "front1"))))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(d.listSlots()).isEqualTo(before);
            assertThat(d.listSlotEvents(1)).isEmpty();
        }
    }
}
