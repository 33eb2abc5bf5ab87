package org.mailslot.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailslot.directory.DirectoryException.Reason.EXISTS;
import static org.mailslot.directory.DirectoryException.Reason.INVALID;
import static org.mailslot.directory.DirectoryException.Reason.NOT_FOUND;
import static org.mailslot.directory.Fixtures.fails;

import java.sql.DriverManager;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class NodesTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void operatorAddsNodesWithRoles(Backend backend) {
        try (Directory d = backend.open()) {
            Node front = d.addNode("front1", "10.0.1.1", EnumSet.of(NodeRole.FRONT, NodeRole.MONITOR));
            assertThat(front).isEqualTo(new Node("front1", "10.0.1.1", Set.of(NodeRole.MONITOR, NodeRole.FRONT),
                    NodeState.ACTIVE, null));
            assertThat(front.isStore()).isFalse();
            assertThat(d.addNode("store2", "10.0.0.2", Set.of(NodeRole.STORE)).isStore()).isTrue();

            fails(EXISTS, "node front1", () -> d.addNode("front1", "10.0.1.9", Set.of(NodeRole.FRONT)));
            fails(INVALID, "at least one role", () -> d.addNode("front2", "10.0.1.2", Set.of()));
            fails(INVALID, "node name", () -> d.addNode("-x", "10.0.1.2", Set.of(NodeRole.FRONT)));
            fails(INVALID, "address", () -> d.addNode("front2", "10.0.1.2 x", Set.of(NodeRole.FRONT)));
            fails(INVALID, "not one of front, monitor, store", () -> NodeRole.parse("backup"));
            assertThat(NodeRole.parse(" Store ")).isEqualTo(NodeRole.STORE);

            // A node registering itself at start updates its address but keeps the roles the operator gave.
            d.registerNode("front1", "10.0.1.11");
            assertThat(d.listNodes()).extracting(Node::name, Node::address, Node::roles).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("front1", "10.0.1.11", Set.of(NodeRole.FRONT, NodeRole.MONITOR)),
                    org.assertj.core.groups.Tuple.tuple("store2", "10.0.0.2", Set.of(NodeRole.STORE)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void heartbeatsAndStates(Backend backend) {
        try (Directory d = backend.open()) {
            d.registerNode("store1", "10.0.0.1");
            Instant at = Instant.parse("2025-03-01T10:00:00.123Z");
            d.nodeHeartbeat("store1", at);
            d.setNodeState("store1", NodeState.DRAINED);
            Node node = d.listNodes().getFirst();
            assertThat(node.lastHeartbeat()).isEqualTo(at);
            assertThat(node.state()).isEqualTo(NodeState.DRAINED);
            d.nodeHeartbeat("store1", at.plusSeconds(5));
            d.setNodeState("store1", NodeState.DOWN);
            node = d.listNodes().getFirst();
            assertThat(node.lastHeartbeat()).isEqualTo(at.plusSeconds(5));
            assertThat(node.state()).isEqualTo(NodeState.DOWN);

            fails(NOT_FOUND, "node store9", () -> d.nodeHeartbeat("store9", at));
            fails(NOT_FOUND, "node store9", () -> d.setNodeState("store9", NodeState.ACTIVE));
        }
    }

    /** A single-node install made before version 2 of the schema: its node becomes an active store node. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void nodesFromBeforeTheClusterSchemaAreStores(Backend backend) throws Exception {
        DirectorySettings settings = backend.settings();
        Flyway.configure().dataSource(settings.jdbcUrl(), settings.user(), settings.password())
                .locations("classpath:db/migration/" + backend).target("1").load().migrate();
        try (var c = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
             var st = c.createStatement()) {
            st.executeUpdate("INSERT INTO nodes (name, address, created, updated) VALUES ('node1', 'localhost', 1, 1)");
            st.executeUpdate("INSERT INTO slots (id, master_node, replica_node, epoch, in_sync) VALUES (1, 'node1', NULL, 1, TRUE)");
        }
        try (Directory d = Directory.open(settings)) {
            assertThat(d.listNodes()).containsExactly(new Node("node1", "localhost", Set.of(NodeRole.STORE),
                    NodeState.ACTIVE, null));
            assertThat(d.listSlots()).containsExactly(new Slot(1, "node1", null, 1, true));
        }
    }
}
