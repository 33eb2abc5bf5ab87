package org.mailslot.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mailslot.directory.Slot;
import org.mailslot.directory.SlotPlacement;

class PlacementTest {

    @Test
    void everyOrderedPairHoldsKSlotsAndEveryNodeMastersItsShare() {
        for (int n = 2; n <= 8; n++) {
            for (int k = 1; k <= 5; k++) {
                List<String> nodes = Layouts.nodes(n);
                List<SlotPlacement> slots = Placement.assign(nodes, k);
                String what = n + " nodes, " + k + " per pair";
                assertThat(slots).as(what).hasSize(n * (n - 1) * k);
                assertThat(slots.stream().map(SlotPlacement::slot)).as(what)
                        .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, n * (n - 1) * k).boxed().toList());
                Spread spread = Spread.of(nodes, slots);
                assertThat(spread.fewestPerPair()).as(what).isEqualTo(k);
                assertThat(spread.mostPerPair()).as(what).isEqualTo(k);
                for (String node : nodes) {
                    // When this node fails, each of the n-1 others promotes exactly k of its slots.
                    assertThat(spread.masters(node)).as(what).isEqualTo((n - 1) * k);
                    assertThat(spread.replicas(node)).as(what).isEqualTo((n - 1) * k);
                }
                // The first round of ids gives every ordered pair one slot, so new accounts spread at once.
                Set<List<String>> firstRound = new HashSet<>();
                slots.subList(0, n * (n - 1)).forEach(s -> firstRound.add(List.of(s.master(), s.replica())));
                assertThat(firstRound).as(what).hasSize(n * (n - 1));
            }
        }
    }

    @Test
    void sameInputSameLayoutWhateverTheNodeOrder() {
        assertThat(Placement.assign(List.of("c", "a", "b"), 2)).isEqualTo(Placement.assign(List.of("a", "b", "c"), 2));
        assertThat(Placement.assign(List.of("a", "b"), 1))
                .containsExactly(new SlotPlacement(1, "a", "b"), new SlotPlacement(2, "b", "a"));
    }

    @Test
    void aSingleNodeInstallKeepsItsSlotsAndMastersAndGetsReplicasAndNewSlots() {
        // node.slots defaults to 16; three nodes need 8 per pair to leave store1's 16 masters where they are
        List<Slot> single = unreplicated("store1", 16);
        List<String> nodes = Layouts.nodes(3);
        List<SlotPlacement> added = Placement.extend(nodes, single, 8);
        List<SlotPlacement> replicas = added.subList(0, 16);
        for (int i = 0; i < 16; i++) {
            assertThat(replicas.get(i).slot()).isEqualTo(i + 1);
            assertThat(replicas.get(i).master()).isEqualTo("store1");
            assertThat(replicas.get(i).replica()).isEqualTo(i % 2 == 0 ? "store2" : "store3");
        }
        assertThat(added.subList(16, added.size()).stream().map(SlotPlacement::slot))
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(17, 48).boxed().toList());
        Spread spread = Spread.of(nodes, added);
        assertThat(spread.isEven()).isTrue();
        assertThat(spread.fewestPerPair()).isEqualTo(8);
        assertThat(spread.mostPerPair()).isEqualTo(8);

        assertThatThrownBy(() -> Placement.extend(nodes, single, 7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("store1 masters 16 slots, more than the 2 x 7 = 14")
                .hasMessageContaining("--slots-per-pair 8 or more, or rebalance");
    }

    @Test
    void extendingAFinishedLayoutAddsNothingAndAMoreGenerousOneOnlyAddsSlots() {
        List<String> nodes = Layouts.nodes(4);
        List<Slot> done = asSlots(Placement.assign(nodes, 2));
        assertThat(Placement.extend(nodes, done, 2)).isEmpty();
        List<SlotPlacement> more = Placement.extend(nodes, done, 3);
        assertThat(more).hasSize(12).allMatch(p -> p.slot() > 24);
        assertThatThrownBy(() -> Placement.extend(nodes, done, 1))
                .hasMessageContaining("already holds 2 slots").hasMessageContaining("--slots-per-pair 2 or more");
    }

    @Test
    void refusesCopiesOnNodesThatAreNotStores() {
        List<Slot> slots = List.of(new Slot(1, "store1", "front1", 1, true));
        assertThatThrownBy(() -> Placement.extend(Layouts.nodes(2), slots, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slot 1 is replicated by front1, which is not a store node")
                .hasMessageContaining("rebalance");
        assertThatThrownBy(() -> Placement.extend(List.of("store1"), List.of(), 1)).hasMessageContaining("at least 2");
        assertThatThrownBy(() -> Placement.extend(Layouts.nodes(2), List.of(), 0)).hasMessageContaining("at least 1");
    }

    /** Random existing slots (with and without replicas): extend either evens them out keeping every copy, or
     * refuses with the smallest K that works. */
    @Test
    void extendKeepsEveryCopyOrNamesTheSmallestKThatWorks() {
        Pattern suggested = Pattern.compile("--slots-per-pair (\\d+) or more");
        for (int run = 0; run < 400; run++) {
            long seed = 1000 + run;
            Random random = new Random(seed);
            int n = 2 + random.nextInt(7);
            int k = 1 + random.nextInt(5);
            List<String> nodes = Layouts.nodes(n);
            List<Slot> existing = new ArrayList<>();
            int count = random.nextInt(n * (n - 1) * 4 + 1);
            for (int id = 1; id <= count; id++) {
                int m = random.nextInt(n);
                int r = random.nextInt(n);
                String replica = r == m || random.nextInt(3) == 0 ? null : nodes.get(r);
                existing.add(new Slot(id, nodes.get(m), replica, 1, true));
            }
            String what = "seed " + seed + ": " + n + " nodes, K " + k + ", " + count + " slots";
            int used = k;
            try {
                checkExtension(nodes, existing, k, Placement.extend(nodes, existing, k), what);
            } catch (IllegalArgumentException e) {
                Matcher m = suggested.matcher(e.getMessage());
                assertThat(m.find()).as(what + ": " + e.getMessage()).isTrue();
                used = Integer.parseInt(m.group(1));
                assertThat(used).as(what).isGreaterThan(k);
                int smallest = used;
                checkExtension(nodes, existing, used, Placement.extend(nodes, existing, used), what);
                assertThatThrownBy(() -> Placement.extend(nodes, existing, smallest - 1)).as(what)
                        .isInstanceOf(IllegalArgumentException.class);
            }
            assertThat(used).as(what).isGreaterThanOrEqualTo(k);
        }
    }

    private static void checkExtension(List<String> nodes, List<Slot> existing, int k, List<SlotPlacement> added,
                                       String what) {
        int highest = existing.stream().mapToInt(Slot::id).max().orElse(0);
        List<SlotPlacement> after = new ArrayList<>();
        java.util.Map<Integer, SlotPlacement> changes = new java.util.HashMap<>();
        added.forEach(p -> changes.put(p.slot(), p));
        for (Slot s : existing) {
            SlotPlacement change = changes.remove(s.id());
            if (s.replicaNode() == null) {
                assertThat(change).as(what + ": slot " + s.id() + " needs a replica").isNotNull();
                assertThat(change.master()).as(what).isEqualTo(s.masterNode());
                after.add(change);
            } else {
                assertThat(change).as(what + ": slot " + s.id() + " had both copies").isNull();
                after.add(new SlotPlacement(s.id(), s.masterNode(), s.replicaNode()));
            }
        }
        assertThat(changes.keySet()).as(what).allMatch(id -> id > highest);
        after.addAll(changes.values());
        assertThat(after).as(what).allMatch(p -> p.replica() != null && !p.replica().equals(p.master()));
        Spread spread = Spread.of(nodes, after);
        assertThat(spread.fewestPerPair()).as(what).isEqualTo(k);
        assertThat(spread.mostPerPair()).as(what).isEqualTo(k);
        assertThat(after).as(what).hasSize(nodes.size() * (nodes.size() - 1) * k);
    }

    private static List<Slot> unreplicated(String master, int count) {
        List<Slot> out = new ArrayList<>();
        for (int id = 1; id <= count; id++) {
            out.add(new Slot(id, master, null, 1, true));
        }
        return out;
    }

    private static List<Slot> asSlots(List<SlotPlacement> placements) {
        return placements.stream().map(p -> new Slot(p.slot(), p.master(), p.replica(), 1, true)).toList();
    }
}
