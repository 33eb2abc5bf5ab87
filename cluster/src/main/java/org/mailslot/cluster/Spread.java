package org.mailslot.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.mailslot.directory.SlotPlacement;

/**
 * How slots spread over nodes: how many each ordered (master, replica) pair holds, and each node's masters
 * and replicas. Nodes are the ones given, sorted, then any other node a slot names, sorted.
 */
public final class Spread {

    private final List<String> nodes;
    private final Map<String, Integer> index = new HashMap<>();
    private final int[][] pairs;
    private final int[] unreplicated;

    private Spread(List<String> nodes) {
        this.nodes = List.copyOf(nodes);
        for (int i = 0; i < nodes.size(); i++) {
            index.put(nodes.get(i), i);
        }
        this.pairs = new int[nodes.size()][nodes.size()];
        this.unreplicated = new int[nodes.size()];
    }

    public static Spread of(Collection<String> nodes, Collection<SlotPlacement> slots) {
        List<String> all = new ArrayList<>(new TreeSet<>(nodes));
        TreeSet<String> others = new TreeSet<>();
        for (SlotPlacement s : slots) {
            others.add(s.master());
            if (s.replica() != null) {
                others.add(s.replica());
            }
        }
        others.removeAll(all);
        all.addAll(others);
        Spread spread = new Spread(all);
        for (SlotPlacement s : slots) {
            int m = spread.index.get(s.master());
            if (s.replica() == null) {
                spread.unreplicated[m]++;
            } else {
                spread.pairs[m][spread.index.get(s.replica())]++;
            }
        }
        return spread;
    }

    public List<String> nodes() {
        return nodes;
    }

    /** Slots mastered by {@code master} whose replica is on {@code replica}. */
    public int count(String master, String replica) {
        return pairs[index.get(master)][index.get(replica)];
    }

    /** Slots mastered by {@code master} that have no replica. */
    public int unreplicated(String master) {
        return unreplicated[index.get(master)];
    }

    public int masters(String node) {
        int i = index.get(node);
        int total = unreplicated[i];
        for (int r = 0; r < nodes.size(); r++) {
            total += pairs[i][r];
        }
        return total;
    }

    public int replicas(String node) {
        int i = index.get(node);
        int total = 0;
        for (int m = 0; m < nodes.size(); m++) {
            total += pairs[m][i];
        }
        return total;
    }

    /** Fewest slots any ordered pair of distinct nodes holds; 0 with fewer than two nodes. */
    public int fewestPerPair() {
        int min = Integer.MAX_VALUE;
        for (int m = 0; m < nodes.size(); m++) {
            for (int r = 0; r < nodes.size(); r++) {
                if (m != r) {
                    min = Math.min(min, pairs[m][r]);
                }
            }
        }
        return min == Integer.MAX_VALUE ? 0 : min;
    }

    /** Most slots any ordered pair of distinct nodes holds. */
    public int mostPerPair() {
        int max = 0;
        for (int[] row : pairs) {
            for (int c : row) {
                max = Math.max(max, c);
            }
        }
        return max;
    }

    /** Every slot has a replica and every ordered pair holds within one slot of every other. */
    public boolean isEven() {
        for (int u : unreplicated) {
            if (u > 0) {
                return false;
            }
        }
        return mostPerPair() - fewestPerPair() <= 1;
    }
}
