package org.mailslot.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailslot.directory.DirectoryException.Reason.INVALID;
import static org.mailslot.directory.DirectoryException.Reason.NOT_FOUND;
import static org.mailslot.directory.Fixtures.fails;
import static org.mailslot.directory.Fixtures.pw;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SlotMapTest {

    /** A node as it registers itself at start: a store, active, no heartbeat yet. */
    private static Node store(String name, String address) {
        return new Node(name, address, Set.of(NodeRole.STORE), NodeState.ACTIVE, null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void registersNodes(Backend backend) {
        try (Directory d = backend.open()) {
            assertThat(d.registerNode("store2", "10.0.0.2:7000")).isEqualTo(store("store2", "10.0.0.2:7000"));
            d.registerNode("store1", "10.0.0.1:7000");
            d.registerNode("store2", "10.0.0.22:7000");
            assertThat(d.listNodes()).containsExactly(store("store1", "10.0.0.1:7000"),
                    store("store2", "10.0.0.22:7000"));
            fails(INVALID, "node name", () -> d.registerNode("bad name", "10.0.0.3:7000"));
            fails(INVALID, "node name", () -> d.registerNode("", "10.0.0.3:7000"));
            fails(INVALID, "address", () -> d.registerNode("store3", " "));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void ensuresSlots(Backend backend) {
        try (Directory d = backend.open()) {
            fails(NOT_FOUND, "node store1", () -> d.ensureSlots("store1", 2));
            d.registerNode("store1", "10.0.0.1:7000");
            d.registerNode("store2", "10.0.0.2:7000");
            assertThat(d.listSlots()).isEmpty();
            assertThat(d.slot(1)).isEmpty();

            d.ensureSlots("store1", 2);
            assertThat(d.slot(1)).contains(new Slot(1, "store1", null, 1, true));
            d.ensureSlots("store2", 3); // keeps 1..2, adds 3
            assertThat(d.listSlots()).containsExactly(new Slot(1, "store1", null, 1, true),
                    new Slot(2, "store1", null, 1, true), new Slot(3, "store2", null, 1, true));
            d.ensureSlots("store2", 0);
            assertThat(d.listSlots()).hasSize(3);
            fails(INVALID, "slot count", () -> d.ensureSlots("store1", -1));
            fails(INVALID, "slot count", () -> d.ensureSlots("store1", SlotMap.MAX_SLOTS + 1));
            assertThat(d.accountsPerSlot()).isEqualTo(Map.of(1, 0, 2, 0, 3, 0));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void placesAccountsInTheEmptiestSlot(Backend backend) {
        try (Directory d = backend.open()) {
            d.registerNode("store1", "10.0.0.1:7000");
            d.ensureSlots("store1", 4);
            d.addDomain("example.test");
            for (int i = 0; i < 10; i++) {
                Account a = d.addAccount("user" + i + "@example.test", pw("secret"), 0);
                assertThat(a.slotId()).isEqualTo(i % 4 + 1);
            }
            assertThat(d.accountsPerSlot()).containsExactly(Map.entry(1, 3), Map.entry(2, 3), Map.entry(3, 2),
                    Map.entry(4, 2));

            d.removeAccount("user0@example.test");
            d.removeAccount("user4@example.test");
            assertThat(d.addAccount("new0@example.test", pw("secret"), 0).slotId()).isEqualTo(1);

            d.ensureSlots("store1", 6); // new empty slots fill up first
            assertThat(d.addAccount("new1@example.test", pw("secret"), 0).slotId()).isEqualTo(5);
            assertThat(d.addAccount("new2@example.test", pw("secret"), 0).slotId()).isEqualTo(6);
            assertThat(d.addAccount("new3@example.test", pw("secret"), 0).slotId()).isEqualTo(5);
            assertThat(d.accountsPerSlot()).containsExactly(Map.entry(1, 2), Map.entry(2, 3), Map.entry(3, 2),
                    Map.entry(4, 2), Map.entry(5, 2), Map.entry(6, 1));
        }
    }
}
