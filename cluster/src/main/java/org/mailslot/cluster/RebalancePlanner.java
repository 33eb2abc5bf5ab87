package org.mailslot.cluster;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.mailslot.directory.SlotPlacement;

/**
 * Plans how to make an uneven slot layout even again (a node was added, a node failed over and its masters
 * moved, a node left), as a list of {@link Move}s. It only plans; running the moves is someone else's job.
 *
 * <p>The goal: every ordered pair (master, replica) of the given nodes holds T or T+1 slots, where T is
 * the number of slots divided by N·(N−1), rounded down, and no copy stays on a node outside the list. It
 * follows that each node masters between (N−1)·T and (N−1)·(T+1) slots, and holds as many replicas.
 *
 * <p>The plan has the fewest copy moves possible and, among plans with that few, the fewest role swaps. It
 * is a minimum-cost flow of slots between ordered pairs: a role swap takes a slot from (a, b) to (b, a) at
 * cost 1; moving a copy takes it from (a, b) to (c, b) or (a, c) at a cost higher than any number of swaps;
 * each pair must end with T slots and may end with one more. After a failover the plan is therefore only
 * swaps, as many as the failed node's masters that moved. Moves are listed so that each applies to the slot
 * as the moves before it left it.
 */
public final class RebalancePlanner {

    /** A copy move costs more than every role swap a plan could hold (at most one per slot and move). */
    private static final long COPY = 1L << 24;
    /** Makes the flow give every pair T slots before it saves a single move. */
    private static final long MUST_FILL = 1L << 50;

    private RebalancePlanner() {}

    /**
     * The moves that make {@code slots} even over {@code nodes} (at least two, any order). Every slot needs a
     * master and a replica on two different nodes; copies on nodes not in {@code nodes} are moved onto them.
     */
    public static List<Move> plan(List<String> nodes, List<SlotPlacement> slots) {
        return new Run(List.copyOf(new TreeSet<>(nodes)), slots).plan();
    }

    /** A slot being planned: where its copies are now, and whether the plan already moves it. */
    private static final class Copies {
        final int id;
        String master;
        String replica;
        boolean planned;

        Copies(SlotPlacement p) {
            this.id = p.slot();
            this.master = p.master();
            this.replica = p.replica();
        }
    }

    /**
     * Flow vertices: source, sink, one per ordered pair (a, b) of listed nodes, one per listed node for slots
     * it masters with the replica outside, one per listed node for slots it replicates with the master
     * outside, and one for slots with both copies outside. Each holds the slots that are there now.
     */
    private static final class Run {
        private static final int SOURCE = 0;
        private static final int SINK = 1;

        private final List<String> nodes;
        private final int n;
        private final Map<String, Integer> index = new HashMap<>();
        private final List<TreeMap<Integer, Copies>> pools = new ArrayList<>();
        private final List<Move> moves = new ArrayList<>();
        private final int slotCount;
        private final int low;

        Run(List<String> nodes, List<SlotPlacement> slots) {
            this.nodes = nodes;
            this.n = nodes.size();
            if (n < 2) {
                throw new IllegalArgumentException("rebalancing needs at least 2 nodes, got " + nodes);
            }
            for (int i = 0; i < n; i++) {
                index.put(nodes.get(i), i);
            }
            for (int v = 0; v <= outside(); v++) {
                pools.add(new TreeMap<>());
            }
            Set<Integer> ids = new HashSet<>();
            for (SlotPlacement p : slots) {
                if (p.replica() == null || p.master().equals(p.replica()) || !ids.add(p.slot())) {
                    throw new IllegalArgumentException("every slot needs one master and one replica on two different"
                            + " nodes, and ids must be unique: " + p);
                }
                Copies c = new Copies(p);
                pools.get(vertexOf(c)).put(c.id, c);
            }
            this.slotCount = slots.size();
            this.low = slotCount / (n * (n - 1));
        }

        private int pair(int master, int replica) {
            return 2 + master * n + replica;
        }

        private int masterWithReplicaOutside(int a) {
            return 2 + n * n + a;
        }

        private int replicaWithMasterOutside(int a) {
            return 2 + n * n + n + a;
        }

        private int outside() {
            return 2 + n * n + 2 * n;
        }

        private int vertexOf(Copies c) {
            Integer m = index.get(c.master);
            Integer r = index.get(c.replica);
            if (m != null && r != null) {
                return pair(m, r);
            }
            if (m != null) {
                return masterWithReplicaOutside(m);
            }
            return r != null ? replicaWithMasterOutside(r) : outside();
        }

        List<Move> plan() {
            if (slotCount == 0) {
                return List.of();
            }
            MinCostFlow flow = new MinCostFlow(outside() + 1);
            for (int v = 2; v <= outside(); v++) {
                if (!pools.get(v).isEmpty()) {
                    flow.arc(SOURCE, v, pools.get(v).size(), 0);
                }
            }
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    if (a == b) {
                        continue;
                    }
                    if (low > 0) {
                        flow.arc(pair(a, b), SINK, low, -MUST_FILL);
                    }
                    flow.arc(pair(a, b), SINK, 1, 0);
                    flow.arc(pair(a, b), pair(b, a), slotCount, 1);
                    for (int y = 0; y < n; y++) {
                        if (y != a && y != b) {
                            flow.arc(pair(a, b), pair(y, b), slotCount, COPY);
                            flow.arc(pair(a, b), pair(a, y), slotCount, COPY);
                        }
                    }
                    flow.arc(masterWithReplicaOutside(a), pair(a, b), slotCount, COPY);
                    flow.arc(replicaWithMasterOutside(b), pair(a, b), slotCount, COPY);
                    flow.arc(outside(), pair(a, b), slotCount, 2 * COPY);
                }
            }
            if (flow.run(SOURCE, SINK, slotCount) != slotCount) {
                throw new IllegalStateException("rebalance flow could not place every slot");
            }
            follow(flow);
            check();
            return List.copyOf(moves);
        }

        /**
         * Turns the flow into moves, visiting a vertex only after everything that flows into it, so that a
         * slot is there before it is taken on (the flow has no cycle: every arc between vertices costs).
         */
        private void follow(MinCostFlow flow) {
            int vertices = outside() + 1;
            int[] waiting = new int[vertices];
            for (int v = 2; v < vertices; v++) {
                for (int a : flow.arcsFrom(v)) {
                    if (flow.flow(a) > 0 && flow.head(a) != SINK) {
                        waiting[flow.head(a)]++;
                    }
                }
            }
            ArrayDeque<Integer> ready = new ArrayDeque<>();
            for (int v = 2; v < vertices; v++) {
                if (waiting[v] == 0) {
                    ready.add(v);
                }
            }
            while (!ready.isEmpty()) {
                int v = ready.poll();
                for (int a : flow.arcsFrom(v)) {
                    int w = flow.head(a);
                    if (w == SINK || flow.flow(a) == 0) {
                        continue;
                    }
                    for (long unit = 0; unit < flow.flow(a); unit++) {
                        move(v, w);
                    }
                    if (--waiting[w] == 0) {
                        ready.add(w);
                    }
                }
            }
        }

        /** Moves one slot from vertex v to pair vertex w, with the one or two moves the arc between them stands for. */
        private void move(int v, int w) {
            Copies slot = pick(pools.get(v));
            pools.get(v).remove(slot.id);
            int y = (w - 2) / n;  // w's master
            int z = (w - 2) % n;  // w's replica
            String toMaster = nodes.get(y);
            String toReplica = nodes.get(z);
            if (slot.master.equals(toReplica) && slot.replica.equals(toMaster)) {
                add(slot, new Move.RoleSwap(slot.id, toMaster, toReplica));
            } else {
                if (!slot.master.equals(toMaster)) {
                    add(slot, new Move.CopyMove(slot.id, slot.master, toMaster, Move.Role.MASTER));
                }
                if (!slot.replica.equals(toReplica)) {
                    add(slot, new Move.CopyMove(slot.id, slot.replica, toReplica, Move.Role.REPLICA));
                }
            }
            pools.get(w).put(slot.id, slot);
        }

        /** The lowest-numbered slot the plan does not move yet, else the lowest-numbered one. */
        private static Copies pick(TreeMap<Integer, Copies> pool) {
            for (Copies c : pool.values()) {
                if (!c.planned) {
                    return c;
                }
            }
            if (pool.isEmpty()) {
                throw new IllegalStateException("rebalance flow took a slot from an empty pair");
            }
            return pool.firstEntry().getValue();
        }

        private void add(Copies slot, Move move) {
            SlotPlacement after = move.applyTo(new SlotPlacement(slot.id, slot.master, slot.replica));
            slot.master = after.master();
            slot.replica = after.replica();
            slot.planned = true;
            moves.add(move);
        }

        private void check() {
            for (int v = masterWithReplicaOutside(0); v <= outside(); v++) {
                if (!pools.get(v).isEmpty()) {
                    throw new IllegalStateException("rebalance plan left a copy outside the nodes: " + pools.get(v).keySet());
                }
            }
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    int held = a == b ? low : pools.get(pair(a, b)).size();
                    if (held < low || held > low + 1) {
                        throw new IllegalStateException("rebalance plan left " + nodes.get(a) + " -> " + nodes.get(b)
                                + " with " + held + " slots, outside " + low + ".." + (low + 1));
                    }
                }
            }
        }
    }
}
