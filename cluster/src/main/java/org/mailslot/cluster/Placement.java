package org.mailslot.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.mailslot.directory.Slot;
import org.mailslot.directory.SlotPlacement;

/**
 * Where slots go: every ordered pair (master, replica) of distinct store nodes holds the same number K of
 * slots. With N nodes that is N·(N−1)·K slots; each node masters (N−1)·K of them and holds (N−1)·K replicas,
 * and when a node fails, each of the other N−1 nodes promotes exactly K of its slots, so no survivor takes
 * more than its share (DESIGN.md section 5, "Placement").
 *
 * <p>Pure functions: the same nodes and slots give the same answer. Slot ids are handed out round by round,
 * each round giving every ordered pair one slot, so that consecutive ids (which new accounts fill in turn)
 * spread over all nodes.
 */
public final class Placement {

    private Placement() {}

    /** A fresh layout: slots 1..N·(N−1)·K over {@code nodes} (at least two, any order). */
    public static List<SlotPlacement> assign(List<String> nodes, int slotsPerPair) {
        return extend(nodes, List.of(), slotsPerPair);
    }

    /**
     * What to add to {@code existing} slots so that every ordered pair of {@code storeNodes} holds exactly
     * {@code slotsPerPair}, without moving any copy: slots without a replica get one (on the node whose pair
     * with their master has most room), then new slots (numbered after the highest existing id) fill every
     * pair up. Returns the replicas given and the slots added, in that order; an empty list when the slots
     * already spread so. This is a {@link org.mailslot.directory.SlotLayout}.
     *
     * @throws IllegalArgumentException when that is impossible (a copy on a node that is not a store node, a
     *         pair or a master with more slots than K allows); the message says which K would work
     */
    public static List<SlotPlacement> extend(List<String> storeNodes, List<Slot> existing, int slotsPerPair) {
        List<String> nodes = List.copyOf(new TreeSet<>(storeNodes));
        int n = nodes.size();
        if (n < 2) {
            throw new IllegalArgumentException("placement needs at least 2 store nodes, got " + nodes);
        }
        if (slotsPerPair < 1) {
            throw new IllegalArgumentException("slots per pair must be at least 1, was " + slotsPerPair);
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < n; i++) {
            index.put(nodes.get(i), i);
        }
        int[][] count = new int[n][n];
        List<List<Integer>> unreplicated = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            unreplicated.add(new ArrayList<>());
        }
        int highestId = 0;
        for (Slot slot : existing.stream().sorted(java.util.Comparator.comparingInt(Slot::id)).toList()) {
            highestId = Math.max(highestId, slot.id());
            int master = storeIndex(index, slot, slot.masterNode(), "mastered");
            if (slot.replicaNode() == null) {
                unreplicated.get(master).add(slot.id());
            } else {
                count[master][storeIndex(index, slot, slot.replicaNode(), "replicated")]++;
            }
        }
        checkRoom(nodes, count, unreplicated, slotsPerPair);

        List<SlotPlacement> out = new ArrayList<>();
        for (int m = 0; m < n; m++) {
            for (int id : unreplicated.get(m)) {
                int r = roomiest(count[m], m);
                count[m][r]++;
                out.add(new SlotPlacement(id, nodes.get(m), nodes.get(r)));
            }
        }
        int nextId = highestId + 1;
        boolean added = true;
        while (added) {
            added = false;
            for (int d = 1; d < n; d++) {
                for (int m = 0; m < n; m++) {
                    int r = (m + d) % n;
                    if (count[m][r] < slotsPerPair) {
                        count[m][r]++;
                        out.add(new SlotPlacement(nextId++, nodes.get(m), nodes.get(r)));
                        added = true;
                    }
                }
            }
        }
        return out;
    }

    /** The replica for a slot mastered by {@code m}: the pair with fewest slots, the next node after m on a tie. */
    private static int roomiest(int[] fromMaster, int m) {
        int n = fromMaster.length;
        int best = -1;
        for (int d = 1; d < n; d++) {
            int r = (m + d) % n;
            if (best < 0 || fromMaster[r] < fromMaster[best]) {
                best = r;
            }
        }
        return best;
    }

    private static int storeIndex(Map<String, Integer> index, Slot slot, String node, String how) {
        Integer i = index.get(node);
        if (i == null) {
            throw new IllegalArgumentException("slot " + slot.id() + " is " + how + " by " + node
                    + ", which is not a store node; cluster init never moves a copy, so rebalance the cluster"
                    + " (or give " + node + " the store role)");
        }
        return i;
    }

    private static void checkRoom(List<String> nodes, int[][] count, List<List<Integer>> unreplicated, int k) {
        int n = nodes.size();
        int needed = 1;
        String why = null;
        for (int m = 0; m < n; m++) {
            int mastered = unreplicated.get(m).size();
            for (int r = 0; r < n; r++) {
                mastered += count[m][r];
                if (count[m][r] > needed) {
                    needed = count[m][r];
                    if (needed > k && why == null) {
                        why = "the pair " + nodes.get(m) + " -> " + nodes.get(r) + " already holds " + count[m][r]
                                + " slots";
                    }
                }
            }
            int share = ceilDiv(mastered, n - 1);
            if (share > needed) {
                needed = share;
                if (needed > k && why == null) {
                    why = nodes.get(m) + " masters " + mastered + " slots, more than the " + (n - 1) + " x " + k
                            + " = " + (n - 1) * k + " that " + k + " slots per pair give a node";
                }
            }
        }
        if (needed > k) {
            throw new IllegalArgumentException(why + "; cluster init never moves a copy, so use --slots-per-pair "
                    + needed + " or more, or rebalance the cluster");
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
