package org.mailslot.server.admin;

import org.mailslot.directory.Directory;
import org.mailslot.directory.Node;
import org.mailslot.directory.NodeRole;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

@Command(name = "node", mixinStandardHelpOptions = true,
        description = "Adds, lists and drains the servers of the deployment.",
        subcommands = {NodeCommands.Add.class, NodeCommands.ListNodes.class, NodeCommands.Drain.class,
                NodeCommands.Undrain.class})
final class NodeCommands implements Runnable {
    @ParentCommand
    AdminCommand admin;

    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Adds a node before it first starts, so that 'cluster init' can place slots on it.")
    static final class Add implements Runnable {
        @ParentCommand
        NodeCommands parent;
        @Parameters(paramLabel = "NAME", description = "the node's node.name")
        String name;
        @Option(names = "--address", required = true, paramLabel = "HOST", description = "how the other nodes reach it")
        String address;
        @Option(names = "--roles", split = ",", paramLabel = "ROLE", defaultValue = "store",
                description = "store, front or monitor, comma-separated (default ${DEFAULT-VALUE})")
        List<String> roles;

        @Override
        public void run() {
            Set<NodeRole> parsed = EnumSet.noneOf(NodeRole.class);
            roles.forEach(r -> parsed.add(NodeRole.parse(r)));
            try (Directory d = parent.admin.openDirectory()) {
                Node node = d.addNode(name, address, parsed);
                System.out.println("node " + node.name() + " added (" + roles(node) + ")");
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists nodes: address, roles, state and how long ago each last sent a heartbeat.")
    static final class ListNodes implements Runnable {
        @ParentCommand
        NodeCommands parent;
        @Option(names = "--json", description = "print JSON")
        boolean json;

        record Row(String name, String address, List<String> roles, String state, Instant lastHeartbeat,
                   Long heartbeatAgeMs) {}

        @Override
        public void run() {
            Instant now = Instant.now();
            try (Directory d = parent.admin.openDirectory()) {
                List<Row> rows = d.listNodes().stream().map(n -> new Row(n.name(), n.address(),
                        n.roles().stream().map(NodeRole::text).toList(), n.state().text(), n.lastHeartbeat(),
                        n.lastHeartbeat() == null ? null : Math.max(0, Duration.between(n.lastHeartbeat(), now).toMillis())))
                        .toList();
                if (json) {
                    Output.json(rows);
                } else {
                    Output.table(List.of("NODE", "ADDRESS", "ROLES", "STATE", "HEARTBEAT"), rows.stream().map(r -> List.of(
                            r.name(), r.address(), r.roles().isEmpty() ? "-" : String.join(",", r.roles()), r.state(),
                            r.heartbeatAgeMs() == null ? "-" : Output.duration(r.heartbeatAgeMs()) + " ago")).toList());
                }
            }
        }
    }

    private static String roles(Node node) {
        return String.join(",", node.roles().stream().map(NodeRole::text).toList());
    }

    @Command(name = "drain", mixinStandardHelpOptions = true,
            description = {"Moves every master off NODE for maintenance: each one switches over to its in-sync replica",
                    "(writes stop on NODE, the replica has them all, the replica is promoted), so nothing is lost.",
                    "Waits until NODE masters nothing, or --wait passes (exit 1, naming the slots left, e.g. with an",
                    "out-of-sync replica). NODE keeps its replicas and can then be stopped; 'undrain' ends it."})
    static final class Drain implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        NodeCommands parent;
        @Parameters(paramLabel = "NODE")
        String name;
        @Option(names = "--wait", defaultValue = "30s", paramLabel = "DURATION",
                description = "how long to wait for every master to move (default ${DEFAULT-VALUE})")
        String wait;

        @Override
        public Integer call() throws InterruptedException {
            Duration limit = Sizes.parseDuration("--wait", wait);
            try (Directory d = parent.admin.openDirectory()) {
                long masters = d.listSlots().stream().filter(s -> name.equals(s.masterNode())).count();
                long started = System.nanoTime();
                d.setNodeState(name, org.mailslot.directory.NodeState.DRAINED);
                List<Integer> left = SwitchWait.until(d, limit,
                        () -> d.listSlots().stream().filter(s -> name.equals(s.masterNode())).map(s -> s.id()).toList());
                long ms = (System.nanoTime() - started) / 1_000_000;
                if (!left.isEmpty()) {
                    System.err.println("mailslot: node " + name + " still masters slots " + left + " after " + wait
                            + " (is its replica out of sync? see 'slot list')");
                    return org.mailslot.server.ExitCode.FAILURE;
                }
                System.out.println("node " + name + " drained: " + masters + " masters moved in " + ms + " ms");
                return org.mailslot.server.ExitCode.OK;
            }
        }
    }

    @Command(name = "undrain", mixinStandardHelpOptions = true,
            description = "Marks NODE active again; its masters come back with 'cluster rebalance' or switchovers.")
    static final class Undrain implements Runnable {
        @ParentCommand
        NodeCommands parent;
        @Parameters(paramLabel = "NODE")
        String name;

        @Override
        public void run() {
            try (Directory d = parent.admin.openDirectory()) {
                d.setNodeState(name, org.mailslot.directory.NodeState.ACTIVE);
                System.out.println("node " + name + " is active");
            }
        }
    }
}
