package org.mailslot.cluster;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Minimum-cost flow by successive shortest paths (Bellman-Ford with a queue, so arcs may cost less than
 * zero as long as no cycle does). Small graphs only: the rebalance planner's has one vertex per node pair.
 */
final class MinCostFlow {

    private final int vertices;
    private final List<List<Integer>> out = new ArrayList<>();
    // Arc i and its residual twin i ^ 1 are stored side by side.
    private final List<Integer> head = new ArrayList<>();
    private final List<Long> capacity = new ArrayList<>();
    private final List<Long> cost = new ArrayList<>();
    private final List<Long> flow = new ArrayList<>();

    MinCostFlow(int vertices) {
        this.vertices = vertices;
        for (int v = 0; v < vertices; v++) {
            out.add(new ArrayList<>());
        }
    }

    /** Adds an arc and returns its id, for {@link #flow(int)}. */
    int arc(int from, int to, long cap, long arcCost) {
        int id = head.size();
        add(from, to, cap, arcCost);
        add(to, from, 0, -arcCost);
        return id;
    }

    private void add(int from, int to, long cap, long arcCost) {
        out.get(from).add(head.size());
        head.add(to);
        capacity.add(cap);
        cost.add(arcCost);
        flow.add(0L);
    }

    long flow(int arc) {
        return flow.get(arc);
    }

    int head(int arc) {
        return head.get(arc);
    }

    /** Arcs added with {@link #arc} that leave {@code v} (residual twins excluded). */
    List<Integer> arcsFrom(int v) {
        return out.get(v).stream().filter(a -> a % 2 == 0).toList();
    }

    /** Sends as much as possible, at most {@code limit}, from source to sink at least cost; returns the amount. */
    long run(int source, int sink, long limit) {
        long sent = 0;
        long[] distance = new long[vertices];
        int[] via = new int[vertices];
        boolean[] queued = new boolean[vertices];
        while (sent < limit) {
            Arrays.fill(distance, Long.MAX_VALUE);
            Arrays.fill(via, -1);
            distance[source] = 0;
            ArrayDeque<Integer> queue = new ArrayDeque<>();
            queue.add(source);
            queued[source] = true;
            while (!queue.isEmpty()) {
                int v = queue.poll();
                queued[v] = false;
                for (int a : out.get(v)) {
                    if (capacity.get(a) - flow.get(a) <= 0) {
                        continue;
                    }
                    int w = head.get(a);
                    long d = distance[v] + cost.get(a);
                    if (d < distance[w]) {
                        distance[w] = d;
                        via[w] = a;
                        if (!queued[w]) {
                            queued[w] = true;
                            queue.add(w);
                        }
                    }
                }
            }
            if (distance[sink] == Long.MAX_VALUE) {
                break;
            }
            long push = limit - sent;
            for (int v = sink; v != source; v = head.get(via[v] ^ 1)) {
                push = Math.min(push, capacity.get(via[v]) - flow.get(via[v]));
            }
            for (int v = sink; v != source; v = head.get(via[v] ^ 1)) {
                flow.set(via[v], flow.get(via[v]) + push);
                flow.set(via[v] ^ 1, flow.get(via[v] ^ 1) - push);
            }
            sent += push;
        }
        return sent;
    }
}
