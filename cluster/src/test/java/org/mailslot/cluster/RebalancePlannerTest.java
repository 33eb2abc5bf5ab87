package org.mailslot.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mailslot.directory.SlotPlacement;

class RebalancePlannerTest {

    @Test
    void anEvenLayoutNeedsNoMove() {
        for (int n = 2; n <= 8; n++) {
            assertThat(RebalancePlanner.plan(Layouts.nodes(n), Placement.assign(Layouts.nodes(n), 3))).isEmpty();
        }
        assertThat(RebalancePlanner.plan(Layouts.nodes(3), List.of())).isEmpty();
    }

    /** After a failover the failed node's slots are mastered by its former replicas: swapping back is enough. */
    @Test
    void afterAFailoverOnlyRoleSwapsAndExactlyTheOnesNeeded() {
        for (int n = 2; n <= 8; n++) {
            for (int k = 1; k <= 5; k++) {
                List<String> nodes = Layouts.nodes(n);
                List<SlotPlacement> even = Placement.assign(nodes, k);
                String failed = nodes.get((n * k) % n);
                List<SlotPlacement> failedOver = even.stream().map(p -> p.master().equals(failed)
                        ? new SlotPlacement(p.slot(), p.replica(), p.master()) : p).toList();
                List<Move> plan = RebalancePlanner.plan(nodes, failedOver);
                String what = n + " nodes, K " + k;
                assertThat(Layouts.copyMoves(plan)).as(what).isZero();
                assertThat(Layouts.roleSwaps(plan)).as(what).isEqualTo((long) (n - 1) * k);
                Spread after = Spread.of(nodes, Layouts.apply(failedOver, plan));
                assertThat(after.fewestPerPair()).as(what).isEqualTo(k);
                assertThat(after.mostPerPair()).as(what).isEqualTo(k);
            }
        }
    }

    /** A new node gets exactly as many copies as it must hold, each by one copy move. */
    @Test
    void anAddedNodeReceivesTheFewestCopiesThatEvenTheLayout() {
        for (int n = 2; n <= 7; n++) {
            for (int k = 1; k <= 5; k++) {
                List<String> nodes = Layouts.nodes(n);
                List<SlotPlacement> before = Placement.assign(nodes, k);
                List<String> grown = Layouts.nodes(n + 1);
                List<Move> plan = RebalancePlanner.plan(grown, before);
                int slots = before.size();
                int low = slots / ((n + 1) * n);
                // The new node's n pairs need 2*low slots each, and the old pairs can keep at most 2*low+2 each.
                long needed = Math.max(2L * low * n, slots - (long) n * (n - 1) / 2 * (2 * low + 2));
                String what = n + " -> " + (n + 1) + " nodes, K " + k;
                assertThat(Layouts.copyMoves(plan)).as(what).isEqualTo(needed);
                assertThat(plan).as(what).filteredOn(m -> m instanceof Move.CopyMove)
                        .allMatch(m -> ((Move.CopyMove) m).to().equals(grown.getLast()));
                checkEven(grown, Layouts.apply(before, plan), what);
            }
        }
    }

    @Test
    void copiesOnNodesThatLeftAreMovedOntoTheOthers() {
        List<String> nodes = Layouts.nodes(4);
        List<SlotPlacement> before = Placement.assign(nodes, 2);
        List<String> remaining = nodes.subList(0, 3);
        List<Move> plan = RebalancePlanner.plan(remaining, before);
        List<SlotPlacement> after = Layouts.apply(before, plan);
        assertThat(after).noneMatch(p -> p.master().equals("store4") || p.replica().equals("store4"));
        // store4 mastered (4-1) x 2 = 6 slots and held 6 replicas: each of those copies moves once, no more
        assertThat(Layouts.copyMoves(plan)).isEqualTo(6 + 6);
        checkEven(remaining, after, "store4 removed");
    }

    @Test
    void refusesSlotsWithoutReplicaAndTooFewNodes() {
        assertThatThrownBy(() -> RebalancePlanner.plan(Layouts.nodes(2), List.of(new SlotPlacement(1, "store1", null))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one replica");
        assertThatThrownBy(() -> RebalancePlanner.plan(List.of("store1"), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2");
    }

    /** Random layouts, including copies on nodes that left: the plan runs and leaves every pair within one. */
    @Test
    void anyLayoutEndsEven() {
        for (int run = 0; run < 500; run++) {
            long seed = 7000 + run;
            Random random = new Random(seed);
            int n = 2 + random.nextInt(7);
            int k = 1 + random.nextInt(5);
            List<String> nodes = Layouts.nodes(n);
            List<String> anywhere = new ArrayList<>(nodes);
            int gone = random.nextInt(3);
            for (int i = 0; i < gone; i++) {
                anywhere.add("gone" + i);
            }
            int count = random.nextInt(n * (n - 1) * k * 2 + 1);
            List<SlotPlacement> before = randomLayout(random, anywhere, count);
            List<Move> plan = RebalancePlanner.plan(nodes, before);
            String what = "seed " + seed + ": " + n + " nodes, " + count + " slots";
            checkEven(nodes, Layouts.apply(before, plan), what);
            assertThat(plan.stream().map(Move::slot).distinct().count()).as(what).isLessThanOrEqualTo(count);
        }
    }

    /**
     * Against an exhaustive search on small layouts: the plan has the fewest copy moves possible, and the
     * fewest role swaps among plans with that few.
     */
    @Test
    void usesTheFewestCopyMovesThenTheFewestRoleSwaps() {
        for (int run = 0; run < 200; run++) {
            long seed = 500 + run;
            Random random = new Random(seed);
            int n = 2 + random.nextInt(2);
            List<String> nodes = Layouts.nodes(n);
            List<String> anywhere = new ArrayList<>(nodes);
            if (random.nextBoolean()) {
                anywhere.add("gone");
            }
            int count = 1 + random.nextInt(n == 2 ? 6 : 5);
            List<SlotPlacement> before = randomLayout(random, anywhere, count);
            List<Move> plan = RebalancePlanner.plan(nodes, before);
            String what = "seed " + seed + ": " + before + " -> " + plan;
            checkEven(nodes, Layouts.apply(before, plan), what);
            long[] fewest = fewestMoves(nodes, anywhere, before);
            assertThat(new long[]{Layouts.copyMoves(plan), Layouts.roleSwaps(plan)}).as(what).containsExactly(fewest);
        }
    }

    private static void checkEven(List<String> nodes, List<SlotPlacement> after, String what) {
        assertThat(after).as(what).allMatch(p -> nodes.contains(p.master()) && nodes.contains(p.replica())
                && !p.master().equals(p.replica()));
        Spread spread = Spread.of(nodes, after);
        assertThat(spread.nodes()).as(what).isEqualTo(nodes);
        assertThat(spread.mostPerPair() - spread.fewestPerPair()).as(what).isLessThanOrEqualTo(1);
        int n = nodes.size();
        int low = after.size() / (n * (n - 1));
        for (String node : nodes) {
            // pairs within {low, low+1} bound every node's masters and replicas by its n-1 pairs
            assertThat(spread.masters(node)).as(what + " masters of " + node).isBetween((n - 1) * low, (n - 1) * (low + 1));
            assertThat(spread.replicas(node)).as(what + " replicas of " + node).isBetween((n - 1) * low, (n - 1) * (low + 1));
        }
    }

    private static List<SlotPlacement> randomLayout(Random random, List<String> anywhere, int count) {
        List<SlotPlacement> out = new ArrayList<>();
        for (int id = 1; id <= count; id++) {
            int m = random.nextInt(anywhere.size());
            int r = random.nextInt(anywhere.size() - 1);
            if (r >= m) {
                r++;
            }
            out.add(new SlotPlacement(id, anywhere.get(m), anywhere.get(r)));
        }
        return out;
    }

    /** Dijkstra over whole layouts, a copy move costing more than all swaps: {copy moves, role swaps}. */
    private static long[] fewestMoves(List<String> nodes, List<String> anywhere, List<SlotPlacement> before) {
        long copy = 1000;
        int s = before.size();
        int[] start = new int[2 * s];
        for (int i = 0; i < s; i++) {
            start[2 * i] = anywhere.indexOf(before.get(i).master());
            start[2 * i + 1] = anywhere.indexOf(before.get(i).replica());
        }
        Map<String, Long> best = new HashMap<>();
        PriorityQueue<Object[]> queue = new PriorityQueue<>((a, b) -> Long.compare((long) a[0], (long) b[0]));
        queue.add(new Object[]{0L, start});
        best.put(Arrays.toString(start), 0L);
        while (!queue.isEmpty()) {
            Object[] top = queue.poll();
            long cost = (long) top[0];
            int[] state = (int[]) top[1];
            if (best.get(Arrays.toString(state)) < cost) {
                continue;
            }
            if (isEven(nodes.size(), state)) {
                return new long[]{cost / copy, cost % copy};
            }
            List<int[]> next = new ArrayList<>();
            List<Long> price = new ArrayList<>();
            for (int i = 0; i < s; i++) {
                int[] swapped = state.clone();
                swapped[2 * i] = state[2 * i + 1];
                swapped[2 * i + 1] = state[2 * i];
                next.add(swapped);
                price.add(1L);
            }
            for (int i = 0; i < 2 * s; i++) {
                for (int to = 0; to < nodes.size(); to++) { // copies only ever move onto the listed nodes
                    if (to != state[i] && to != state[i ^ 1]) {
                        int[] moved = state.clone();
                        moved[i] = to;
                        next.add(moved);
                        price.add(copy);
                    }
                }
            }
            for (int j = 0; j < next.size(); j++) {
                String key = Arrays.toString(next.get(j));
                long c = cost + price.get(j);
                if (best.getOrDefault(key, Long.MAX_VALUE) > c) {
                    best.put(key, c);
                    queue.add(new Object[]{c, next.get(j)});
                }
            }
        }
        throw new AssertionError("no even layout reachable");
    }

    /** Every copy on a listed node (index below n), every ordered pair holding T or T+1 slots. */
    private static boolean isEven(int n, int[] state) {
        int s = state.length / 2;
        int low = s / (n * (n - 1));
        int[][] pairs = new int[n][n];
        for (int i = 0; i < s; i++) {
            if (state[2 * i] >= n || state[2 * i + 1] >= n) {
                return false;
            }
            pairs[state[2 * i]][state[2 * i + 1]]++;
        }
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                if (a != b && (pairs[a][b] < low || pairs[a][b] > low + 1)) {
                    return false;
                }
            }
        }
        return true;
    }
}
