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

@Command(name = "node", mixinStandardHelpOptions = true, description = "Adds and lists the servers of the deployment.",
        subcommands = {NodeCommands.Add.class, NodeCommands.ListNodes.class})
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
}
