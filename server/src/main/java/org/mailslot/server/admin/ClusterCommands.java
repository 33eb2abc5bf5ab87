package org.mailslot.server.admin;

import org.mailslot.cluster.Move;
import org.mailslot.cluster.Placement;
import org.mailslot.cluster.RebalancePlanner;
import org.mailslot.cluster.Spread;
import org.mailslot.directory.ClusterInit;
import org.mailslot.directory.Directory;
import org.mailslot.directory.Node;
import org.mailslot.directory.Slot;
import org.mailslot.directory.SlotPlacement;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Spreads slots over the store nodes and shows how evenly they spread.",
        subcommands = {ClusterCommands.Init.class, ClusterCommands.Status.class, ClusterCommands.Rebalance.class})
final class ClusterCommands implements Runnable {
    @ParentCommand
    AdminCommand admin;

    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = {"Spreads the slots over all store nodes so that every ordered (master, replica) pair holds K slots.",
                    "Existing slots keep their accounts and master; those without a replica get one, and new slots are added.",
                    "No copy moves: when that cannot reach K per pair, it says which K would, or to rebalance."})
    static final class Init implements Runnable {
        @ParentCommand
        ClusterCommands parent;
        @Option(names = "--slots-per-pair", required = true, paramLabel = "K", description = "slots per ordered pair of store nodes")
        int slotsPerPair;
        @Option(names = "--json", description = "print JSON")
        boolean json;

        @Override
        public void run() {
            ClusterInit init;
            int storeNodes;
            int slots;
            try (Directory d = parent.admin.openDirectory()) {
                init = d.initCluster(slotsPerPair, Placement::extend);
                storeNodes = (int) d.listNodes().stream().filter(Node::isStore).count();
                slots = d.listSlots().size();
            }
            if (json) {
                Output.json(init);
                return;
            }
            List<List<String>> rows = new ArrayList<>();
            init.replicasAdded().forEach(p -> rows.add(row(p, "replica added, out of sync until copied")));
            init.slotsAdded().forEach(p -> rows.add(row(p, "new")));
            if (rows.isEmpty()) {
                System.out.printf("nothing to do: every ordered pair of the %d store nodes holds %d slots (%d slots)%n",
                        storeNodes, slotsPerPair, slots);
                return;
            }
            Output.table(List.of("SLOT", "MASTER", "REPLICA", "CHANGE"), rows);
            System.out.printf("%d replicas added, %d slots added: every ordered pair of the %d store nodes holds %d slots"
                    + " (%d slots)%n", init.replicasAdded().size(), init.slotsAdded().size(), storeNodes, slotsPerPair, slots);
        }

        private static List<String> row(SlotPlacement p, String change) {
            return List.of(String.valueOf(p.slot()), p.master(), p.replica(), change);
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Shows how slots spread: a matrix of slot counts with masters as rows and replicas as columns,",
                    "each node's masters and replicas, and what a rebalance would take when the spread is uneven."})
    static final class Status implements Runnable {
        @ParentCommand
        ClusterCommands parent;
        @Option(names = "--json", description = "print JSON")
        boolean json;

        record NodeRow(String name, String state, int masters, int replicas, int withoutReplica) {}

        record PairRow(String master, String replica, int slots) {}

        record Rebalance(long copyMoves, long roleSwaps) {}

        record Report(int slots, List<NodeRow> nodes, List<PairRow> pairs, int fewestPerPair, int mostPerPair,
                      boolean even, Rebalance rebalance) {}

        @Override
        public void run() {
            List<Node> nodes;
            List<Slot> slots;
            try (Directory d = parent.admin.openDirectory()) {
                nodes = d.listNodes();
                slots = d.listSlots();
            }
            List<String> stores = nodes.stream().filter(Node::isStore).map(Node::name).toList();
            List<SlotPlacement> placements = slots.stream()
                    .map(s -> new SlotPlacement(s.id(), s.masterNode(), s.replicaNode())).toList();
            Spread spread = Spread.of(stores, placements);
            Report report = report(nodes, stores, spread, placements);
            if (json) {
                Output.json(report);
            } else {
                print(report, spread);
            }
        }

        private static Report report(List<Node> nodes, List<String> stores, Spread spread, List<SlotPlacement> placements) {
            Map<String, Node> byName = nodes.stream().collect(Collectors.toMap(Node::name, Function.identity()));
            List<NodeRow> rows = spread.nodes().stream().map(n -> new NodeRow(n,
                    byName.containsKey(n) ? byName.get(n).state().text() : "unknown",
                    spread.masters(n), spread.replicas(n), spread.unreplicated(n))).toList();
            List<PairRow> pairs = new ArrayList<>();
            for (String m : spread.nodes()) {
                for (String r : spread.nodes()) {
                    if (!m.equals(r)) {
                        pairs.add(new PairRow(m, r, spread.count(m, r)));
                    }
                }
            }
            boolean even = spread.nodes().size() >= 2 && spread.isEven();
            return new Report(placements.size(), rows, pairs, spread.fewestPerPair(), spread.mostPerPair(), even,
                    even ? null : rebalance(stores, placements));
        }

        /** What a rebalance over the store nodes would take; null while a slot has no replica (cluster init first). */
        private static Rebalance rebalance(List<String> stores, List<SlotPlacement> placements) {
            if (stores.size() < 2 || placements.stream().anyMatch(p -> p.replica() == null)) {
                return null;
            }
            List<Move> plan = RebalancePlanner.plan(stores, placements);
            return new Rebalance(plan.stream().filter(m -> m instanceof Move.CopyMove).count(),
                    plan.stream().filter(m -> m instanceof Move.RoleSwap).count());
        }

        private static void print(Report report, Spread spread) {
            List<String> names = spread.nodes();
            boolean anyUnreplicated = report.nodes().stream().anyMatch(n -> n.withoutReplica() > 0);
            List<String> header = new ArrayList<>();
            header.add("MASTER \\ REPLICA");
            header.addAll(names);
            if (anyUnreplicated) {
                header.add("NONE");
            }
            header.addAll(List.of("MASTERS", "STATE"));
            List<List<String>> rows = new ArrayList<>();
            for (NodeRow node : report.nodes()) {
                List<String> row = new ArrayList<>();
                row.add(node.name());
                for (String r : names) {
                    row.add(r.equals(node.name()) ? "-" : String.valueOf(spread.count(node.name(), r)));
                }
                if (anyUnreplicated) {
                    row.add(String.valueOf(node.withoutReplica()));
                }
                row.add(String.valueOf(node.masters()));
                row.add(node.state());
                rows.add(row);
            }
            List<String> totals = new ArrayList<>();
            totals.add("REPLICAS");
            report.nodes().forEach(n -> totals.add(String.valueOf(n.replicas())));
            rows.add(totals);
            Output.table(header, rows);
            System.out.println();
            System.out.println(summary(report, names.size(), anyUnreplicated));
        }

        private static String summary(Report report, int nodeCount, boolean anyUnreplicated) {
            String head = report.slots() + " slots on " + nodeCount + " nodes: ";
            if (anyUnreplicated) {
                int without = report.nodes().stream().mapToInt(NodeRow::withoutReplica).sum();
                return head + without + " without a replica ('mailslot admin cluster init' gives them one)";
            }
            if (nodeCount < 2) {
                return head + "a single node, no replicas (add store nodes, then 'mailslot admin cluster init')";
            }
            if (report.even()) {
                return head + "even, every ordered pair holds " + (report.fewestPerPair() == report.mostPerPair()
                        ? String.valueOf(report.mostPerPair()) : report.fewestPerPair() + " or " + report.mostPerPair());
            }
            String uneven = head + "uneven, ordered pairs hold " + report.fewestPerPair() + " to " + report.mostPerPair()
                    + " slots";
            Rebalance r = report.rebalance();
            return r == null ? uneven
                    : uneven + "; a rebalance would take " + r.copyMoves() + " copy moves and " + r.roleSwaps() + " role swaps";
        }
    }

    @Command(name = "rebalance", mixinStandardHelpOptions = true,
            description = {"Restores the even spread after a failover, a drain, an undrain or adding a node: plans the",
                    "fewest moves and carries them out one after the other while users keep working. A role swap is",
                    "a switchover; a copy move gives the slot's replica to another node, which copies the slot from its",
                    "master and is recorded in sync when complete (a master's copy moves by switchover, copy move,",
                    "switchover). Nothing acknowledged is lost at any step. --dry-run only shows the plan."})
    static final class Rebalance implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        ClusterCommands parent;
        @Option(names = "--dry-run", description = "show the plan, change nothing")
        boolean dryRun;
        @Option(names = "--wait", defaultValue = "10m", paramLabel = "DURATION",
                description = "how long to wait for each step, e.g. a slot to be copied (default ${DEFAULT-VALUE})")
        String wait;

        @Override
        public Integer call() throws InterruptedException {
            java.time.Duration limit = Sizes.parseDuration("--wait", wait);
            try (Directory d = parent.admin.openDirectory()) {
                List<String> stores = d.listNodes().stream()
                        .filter(n -> n.roles().contains(org.mailslot.directory.NodeRole.STORE))
                        .filter(n -> n.state() == org.mailslot.directory.NodeState.ACTIVE)
                        .map(Node::name).sorted().toList();
                List<Slot> slots = d.listSlots();
                if (stores.size() < 2 || slots.stream().anyMatch(x -> x.replicaNode() == null)) {
                    throw new org.mailslot.directory.DirectoryException(
                            org.mailslot.directory.DirectoryException.Reason.INVALID,
                            "rebalance needs at least 2 active store nodes and a replica for every slot (cluster init)");
                }
                List<Move> plan = RebalancePlanner.plan(stores, slots.stream()
                        .map(x -> new SlotPlacement(x.id(), x.masterNode(), x.replicaNode())).toList());
                List<Move.RoleSwap> swaps = plan.stream().filter(m -> m instanceof Move.RoleSwap)
                        .map(m -> (Move.RoleSwap) m).toList();
                long copies = plan.size() - swaps.size();
                for (Move m : plan) {
                    System.out.println(switch (m) {
                        case Move.RoleSwap r -> "slot " + r.slot() + ": switch over to " + r.newMaster();
                        case Move.CopyMove c -> "slot " + c.slot() + ": move the " + c.role().name().toLowerCase()
                                + " copy from " + c.from() + " to " + c.to();
                    });
                }
                if (plan.isEmpty()) {
                    System.out.println("nothing to do: the slots are spread evenly");
                    return org.mailslot.server.ExitCode.OK;
                }
                if (dryRun) {
                    return org.mailslot.server.ExitCode.OK;
                }
                long started = System.nanoTime();
                // in the plan's order, since a step may rely on the placement the steps before it made; a run of
                // role swaps (each of another slot) is carried out at once
                List<Move.RoleSwap> run = new ArrayList<>();
                for (Move m : plan) {
                    if (m instanceof Move.RoleSwap r && run.stream().noneMatch(x -> x.slot() == r.slot())) {
                        run.add(r);
                        continue;
                    }
                    if (!switchOver(d, run, limit)) {
                        return org.mailslot.server.ExitCode.FAILURE;
                    }
                    run.clear();
                    if (m instanceof Move.RoleSwap r) {
                        run.add(r);
                    } else if (!copyMove(d, (Move.CopyMove) m, limit)) {
                        return org.mailslot.server.ExitCode.FAILURE;
                    }
                }
                if (!switchOver(d, run, limit)) {
                    return org.mailslot.server.ExitCode.FAILURE;
                }
                System.out.println(swaps.size() + " switchovers and " + copies + " copy moves done in "
                        + (System.nanoTime() - started) / 1_000_000 + " ms: the slots are spread evenly");
                return org.mailslot.server.ExitCode.OK;
            }
        }

        /** A replica's copy moves by itself; a master's by switchover, replica move, switchover. */
        private boolean copyMove(Directory d, Move.CopyMove c, java.time.Duration limit) throws InterruptedException {
            long started = System.nanoTime();
            if (c.role() == Move.Role.MASTER && !switchOver(d, c.slot(), limit)) {
                return false;
            }
            Slot now = d.slot(c.slot()).orElseThrow();
            d.moveReplica(c.slot(), now.epoch(), c.to());
            if (!SwitchWait.until(d, limit, () -> d.slot(c.slot()).orElseThrow().inSync() ? List.of() : List.of(1))
                    .isEmpty()) {
                System.err.println("mailslot: slot " + c.slot() + "'s new copy on " + c.to() + " was not complete within "
                        + wait + "; it goes on copying, run rebalance again later");
                return false;
            }
            if (c.role() == Move.Role.MASTER && !switchOver(d, c.slot(), limit)) {
                return false;
            }
            System.out.println("slot " + c.slot() + ": " + c.role().name().toLowerCase() + " copy moved from " + c.from()
                    + " to " + c.to() + " in " + (System.nanoTime() - started) / 1_000_000 + " ms");
            return true;
        }

        /** Switches every slot of the run over at once and waits until each has its new master. */
        private boolean switchOver(Directory d, List<Move.RoleSwap> run, java.time.Duration limit)
                throws InterruptedException {
            for (Move.RoleSwap r : run) {
                d.requestSwitchover(r.slot());
            }
            List<Integer> left = SwitchWait.until(d, limit, () -> run.stream()
                    .filter(r -> !d.slot(r.slot()).orElseThrow().masterNode().equals(r.newMaster()))
                    .map(Move.RoleSwap::slot).toList());
            if (!left.isEmpty()) {
                System.err.println("mailslot: slots " + left + " did not switch over within " + wait
                        + " (their master nodes carry the requests out when they run)");
                return false;
            }
            return true;
        }

        private boolean switchOver(Directory d, int slot, java.time.Duration limit) throws InterruptedException {
            long epoch = d.slot(slot).orElseThrow().epoch();
            d.requestSwitchover(slot);
            if (SwitchWait.until(d, limit, () -> d.slot(slot).orElseThrow().epoch() == epoch ? List.of(1) : List.of())
                    .isEmpty()) {
                return true;
            }
            System.err.println("mailslot: slot " + slot + " did not switch over within " + wait);
            return false;
        }
    }
}
