package org.mailslot.cluster.vip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** The VIP plan: an even spread, the fewest moves (checked against exhaustive search), always the same answer. */
class VipPlannerTest {

    static List<String> vips(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add("192.0.2." + i);
        }
        return out;
    }

    static Map<String, Long> counts(Map<String, String> plan) {
        return plan.values().stream().collect(Collectors.groupingBy(f -> f, Collectors.counting()));
    }

    static int moves(Map<String, String> plan, Map<String, String> holders) {
        int moves = 0;
        for (Map.Entry<String, String> e : holders.entrySet()) {
            if (!e.getValue().equals(plan.get(e.getKey()))) {
                moves++;
            }
        }
        return moves;
    }

    @Test
    void noFrontsNoPlan() {
        assertThat(VipPlanner.plan(vips(3), Map.of(), List.of())).isEmpty();
    }

    @Test
    void newVipsSpreadEvenlyByName() {
        Map<String, String> plan = VipPlanner.plan(vips(7), Map.of(), List.of("front3", "front1", "front2"));
        assertThat(plan.keySet()).containsExactlyElementsOf(vips(7));
        assertThat(counts(plan)).containsEntry("front1", 3L).containsEntry("front2", 2L).containsEntry("front3", 2L);
    }

    @Test
    void anEvenSpreadStaysAsItIs() {
        Map<String, String> holders = Map.of("192.0.2.1", "b", "192.0.2.2", "a", "192.0.2.3", "b", "192.0.2.4", "a",
                "192.0.2.5", "c");
        assertThat(VipPlanner.plan(vips(5), holders, List.of("a", "b", "c"))).isEqualTo(holders);
    }

    @Test
    void aDeadFrontsVipsGoToTheSurvivorsAndNothingElseMoves() {
        Map<String, String> holders = new HashMap<>(Map.of("192.0.2.1", "a", "192.0.2.2", "b", "192.0.2.3", "c",
                "192.0.2.4", "a", "192.0.2.5", "b", "192.0.2.6", "c"));
        holders.values().removeIf("c"::equals); // c died
        Map<String, String> plan = VipPlanner.plan(vips(6), holders, List.of("a", "b"));
        assertThat(counts(plan)).containsEntry("a", 3L).containsEntry("b", 3L);
        assertThat(moves(plan, holders)).isZero();
    }

    @Test
    void aJoiningFrontGetsItsShareFromTheFullest() {
        Map<String, String> holders = new HashMap<>();
        vips(6).forEach(v -> holders.put(v, "a"));
        Map<String, String> plan = VipPlanner.plan(vips(6), holders, List.of("a", "b", "c"));
        assertThat(counts(plan)).containsEntry("a", 2L).containsEntry("b", 2L).containsEntry("c", 2L);
        assertThat(moves(plan, holders)).isEqualTo(4);
    }

    @Test
    void fewestMovesAndEvenAgainstExhaustiveSearchAndDeterministic() {
        Random random = new Random(42);
        for (int round = 0; round < 400; round++) {
            int n = 1 + random.nextInt(3);
            int v = random.nextInt(7);
            List<String> fronts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                fronts.add("f" + i);
            }
            Map<String, String> holders = new HashMap<>();
            for (String vip : vips(v)) {
                int pick = random.nextInt(n + 2); // some VIPs held by nobody or by a front that is not live
                if (pick < n) {
                    holders.put(vip, fronts.get(pick));
                }
            }
            Map<String, String> plan = VipPlanner.plan(vips(v), holders, fronts);
            assertThat(plan.keySet()).containsExactlyElementsOf(vips(v));
            long most = fronts.stream().mapToLong(f -> counts(plan).getOrDefault(f, 0L)).max().orElse(0);
            long fewest = fronts.stream().mapToLong(f -> counts(plan).getOrDefault(f, 0L)).min().orElse(0);
            assertThat(most - fewest).as("spread of %s for %s", plan, holders).isLessThanOrEqualTo(1);
            assertThat(moves(plan, holders)).as("moves of %s for %s", plan, holders)
                    .isEqualTo(fewestMoves(vips(v), holders, fronts));
            assertThat(VipPlanner.plan(vips(v), new HashMap<>(holders), new ArrayList<>(fronts.reversed())))
                    .isEqualTo(plan);
        }
    }

    /** Every even assignment, the fewest moves among them. */
    private static int fewestMoves(List<String> vips, Map<String, String> holders, List<String> fronts) {
        int best = Integer.MAX_VALUE;
        int n = fronts.size();
        int total = (int) Math.pow(n, vips.size());
        for (int code = 0; code < total; code++) {
            int[] count = new int[n];
            Map<String, String> plan = new HashMap<>();
            int c = code;
            for (String vip : vips) {
                int f = c % n;
                c /= n;
                count[f]++;
                plan.put(vip, fronts.get(f));
            }
            int max = 0;
            int min = Integer.MAX_VALUE;
            for (int k : count) {
                max = Math.max(max, k);
                min = Math.min(min, k);
            }
            if (max - min <= 1) {
                best = Math.min(best, moves(plan, holders));
            }
        }
        return best;
    }
}
