package org.mailslot.cluster.vip;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Who should hold each VIP: every live front holds {@code V / N} or one more, and as few VIPs as possible change
 * holder. Pure and deterministic: the same input gives the same plan, so a plan in progress (a planned move waits for
 * its holder's release) stays the plan in the next round.
 *
 * <p>Fewest moves: each front keeps as many of its VIPs as its share allows, and the larger shares (the {@code V mod N}
 * fronts that hold one more) go to the fronts that hold most now, which keeps the sum of kept VIPs at its maximum.
 * Ties go by name, VIPs in the order given.
 */
final class VipPlanner {

    private VipPlanner() {
    }

    /**
     * @param vips    every VIP, in a fixed order (the directory lists them by address)
     * @param holders each VIP's current holder, for VIPs held by one of {@code fronts}; others are absent
     * @param fronts  the live fronts that may hold VIPs
     * @return every VIP's planned holder, in the order of {@code vips}; empty when there is no front
     */
    static Map<String, String> plan(List<String> vips, Map<String, String> holders, Collection<String> fronts) {
        Map<String, String> plan = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(new TreeSet<>(fronts));
        if (names.isEmpty()) {
            return plan;
        }
        Map<String, Integer> holding = new HashMap<>();
        names.forEach(f -> holding.put(f, 0));
        for (String v : vips) {
            String h = holders.get(v);
            if (h != null && holding.containsKey(h)) {
                holding.merge(h, 1, Integer::sum);
            }
        }
        int base = vips.size() / names.size();
        int extra = vips.size() % names.size();
        List<String> byHolding = new ArrayList<>(names);
        byHolding.sort(Comparator.comparing((String f) -> -holding.get(f)).thenComparing(f -> f));
        Map<String, Integer> room = new HashMap<>();
        for (int i = 0; i < byHolding.size(); i++) {
            room.put(byHolding.get(i), base + (i < extra ? 1 : 0));
        }
        List<String> unplaced = new ArrayList<>();
        for (String v : vips) {
            String h = holders.get(v);
            if (h != null && room.getOrDefault(h, 0) > 0) {
                plan.put(v, h);
                room.merge(h, -1, Integer::sum);
            } else {
                plan.put(v, null);
                unplaced.add(v);
            }
        }
        for (String v : unplaced) {
            String to = names.stream().max(Comparator.comparing((String f) -> room.get(f))
                    .thenComparing(Comparator.<String>reverseOrder())).orElseThrow();
            plan.put(v, to);
            room.merge(to, -1, Integer::sum);
        }
        return plan;
    }
}
