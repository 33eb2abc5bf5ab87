package org.mailslot.cluster.vip;

import org.mailslot.core.testing.TestClock;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Directory;
import org.mailslot.directory.DirectorySettings;
import org.mailslot.directory.NodeRole;
import org.mailslot.directory.NodeState;
import org.mailslot.directory.Vip;

/**
 * VIP agents of two fronts over one directory, polled by the test with clocks it moves: even spread, takeover of a
 * dead front's VIPs, self-release when cut off, planned moves and clean stops, never two holders of one VIP.
 */
class VipAgentTest {
    static final VipSettings SETTINGS = VipSettings.defaults(); // heartbeat 500 ms, takeover 2.5 s, self-release 1.5 s
    static final List<String> VIPS = List.of("127.0.0.21", "127.0.0.22", "127.0.0.23", "127.0.0.24");

    @TempDir
    Path dir;
    final TestClock clock = new TestClock();
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final Hosts hosts = new Hosts();
    final Map<String, Directory> directories = new HashMap<>();
    final Map<String, VipAgent> agents = new HashMap<>();
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    Directory admin;

    @BeforeEach
    void fronts() {
        admin = open();
        admin.addNode("front1", "127.0.0.1", Set.of(NodeRole.FRONT));
        admin.addNode("front2", "127.0.0.1", Set.of(NodeRole.FRONT));
        VIPS.forEach(v -> admin.addVip(v, null));
    }

    @AfterEach
    void closeAll() {
        directories.values().forEach(Directory::close);
        admin.close();
        assertThat(hosts.violations).as("two holders of one VIP").isEmpty();
    }

    Directory open() {
        return Directory.open(DirectorySettings.defaults("jdbc:sqlite:" + dir.resolve("directory.db")), clock);
    }

    VipAgent agent(String node) {
        return agents.computeIfAbsent(node, n -> {
            Directory d = directories.computeIfAbsent(n, x -> open());
            return new VipAgent(d, n, hosts.manager(n), SETTINGS, new VipAgent.Listener() {
                @Override
                public void acquired(InetAddress vip) {
                    events.add(n + " +" + vip.getHostAddress());
                }

                @Override
                public void released(InetAddress vip) {
                    events.add(n + " -" + vip.getHostAddress());
                }
            }, clock, nanos::get);
        });
    }

    /** Both clocks move on by one poll (250 ms), then every named front polls. */
    void pollAll(String... nodes) {
        advance(SETTINGS.poll());
        for (String n : nodes) {
            agent(n).poll();
        }
    }

    void advance(Duration d) {
        clock.now = clock.now.plus(d);
        nanos.addAndGet(d.toNanos());
    }

    static Set<String> text(Set<InetAddress> addresses) {
        Set<String> out = new TreeSet<>();
        addresses.forEach(a -> out.add(a.getHostAddress()));
        return out;
    }

    Map<String, String> owners() {
        Map<String, String> out = new HashMap<>();
        admin.listVips().forEach(v -> out.put(v.address(), v.owner()));
        return out;
    }

    @Test
    void twoFrontsShareTheVipsEvenlyAndTheListenerHears() {
        pollAll("front1", "front2");
        pollAll("front1", "front2");
        assertThat(hosts.of("front1")).hasSize(2);
        assertThat(hosts.of("front2")).hasSize(2);
        assertThat(text(agent("front1").held())).isEqualTo(hosts.of("front1"));
        assertThat(agent("front1").leading()).isTrue();
        assertThat(agent("front2").leading()).isFalse();
        // front1 beat first and got all four, then handed two to front2 after letting them go
        assertThat(events).filteredOn(e -> e.contains(" +")).hasSize(6);
        assertThat(events).filteredOn(e -> e.contains(" -")).hasSize(2);
        assertThat(admin.listVips()).allSatisfy(v -> assertThat(v.ownerSince()).isNotNull());
    }

    @Test
    void aDeadFrontsVipsAreTakenOverAfterTakeoverAfterAndNotBefore() {
        pollAll("front1", "front2");
        pollAll("front1", "front2");
        Set<String> front2Had = hosts.of("front2");
        hosts.crash("front2"); // front2 and its host stop; front1 polls on
        // front2's last heartbeat was at most one poll ago: up to takeover-after from it, nothing moves
        for (int i = 0; i < 8; i++) {
            pollAll("front1");
            assertThat(hosts.of("front1")).doesNotContainAnyElementsOf(front2Had);
        }
        pollAll("front1");
        pollAll("front1");
        assertThat(hosts.of("front1")).containsExactlyInAnyOrderElementsOf(VIPS);
        assertThat(owners().values()).containsOnly("front1");
    }

    @Test
    void theManagerDyingToo() {
        pollAll("front1", "front2");
        pollAll("front1", "front2");
        assertThat(agent("front1").leading()).isTrue();
        hosts.crash("front1");
        for (int i = 0; i < 12; i++) {
            pollAll("front2");
        }
        assertThat(agent("front2").leading()).isTrue();
        assertThat(hosts.of("front2")).containsExactlyInAnyOrderElementsOf(VIPS);
    }

    @Test
    void aFrontCutOffFromTheDirectoryLetsGoBeforeAnotherTakesOver() {
        pollAll("front1", "front2");
        pollAll("front1", "front2");
        Set<String> front2Had = hosts.of("front2");
        directories.get("front2").close(); // front2 runs on, but cannot reach the directory
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            pollAll("front1", "front2");
            agent("front2").checkSelfRelease();
            if (hosts.of("front2").isEmpty() && !order.contains("released")) {
                order.add("released");
            }
            if (hosts.of("front1").containsAll(front2Had) && !order.contains("taken")) {
                order.add("taken");
            }
        }
        assertThat(order).containsExactly("released", "taken");
        assertThat(events).contains("front2 -" + front2Had.iterator().next());
    }

    @Test
    void aJoiningFrontGetsItsShareOnlyAfterTheHolderLetGo() {
        pollAll("front1");
        pollAll("front1");
        assertThat(hosts.of("front1")).hasSize(4);
        for (int i = 0; i < 4; i++) {
            pollAll("front2", "front1"); // the violation check in Hosts sees any overlap
        }
        assertThat(hosts.of("front1")).hasSize(2);
        assertThat(hosts.of("front2")).hasSize(2);
        assertThat(admin.listVips()).allSatisfy(v -> assertThat(v.movingTo()).isNull());
    }

    @Test
    void aCleanStopHandsTheVipsOverAtOnce() {
        pollAll("front1", "front2");
        pollAll("front1", "front2");
        agent("front2").close();
        assertThat(hosts.of("front2")).isEmpty();
        assertThat(events).filteredOn(e -> e.startsWith("front2 -")).hasSize(2);
        pollAll("front1"); // well within takeover-after: front2 said it stopped
        assertThat(hosts.of("front1")).containsExactlyInAnyOrderElementsOf(VIPS);
    }

    @Test
    void aDrainedFrontsVipsMoveAway() {
        pollAll("front1", "front2");
        pollAll("front1", "front2");
        admin.setNodeState("front1", NodeState.DRAINED);
        pollAll("front1", "front2");
        pollAll("front1", "front2");
        pollAll("front1", "front2");
        assertThat(hosts.of("front2")).containsExactlyInAnyOrderElementsOf(VIPS);
        assertThat(hosts.of("front1")).isEmpty();
    }

    @Test
    void aRemovedVipLeavesItsHolderAndAFailedAddIsTriedAgain() throws Exception {
        hosts.refuse.add(InetAddress.ofLiteral("127.0.0.21"));
        pollAll("front1");
        assertThat(hosts.of("front1")).containsExactlyInAnyOrder("127.0.0.22", "127.0.0.23", "127.0.0.24");
        hosts.refuse.clear();
        pollAll("front1");
        assertThat(hosts.of("front1")).hasSize(4);
        admin.removeVip("127.0.0.24");
        pollAll("front1");
        assertThat(hosts.of("front1")).containsExactlyInAnyOrder("127.0.0.21", "127.0.0.22", "127.0.0.23");
    }

    @Test
    void aRestartedFrontRemovesWhatACrashLeftBehind() {
        admin.addVip("127.0.0.25", null);
        admin.assignVip("127.0.0.25", null, "front2");
        admin.vipHeartbeat("front2", clock.now); // alive, and then silent
        pollAll("front1");
        assertThat(hosts.removals).contains("front1 127.0.0.25").doesNotContain("front1 127.0.0.21");
        assertThat(owners()).containsEntry("127.0.0.25", "front2");
        for (int i = 0; i < 10; i++) {
            pollAll("front1");
        }
        assertThat(admin.listVips()).extracting(Vip::owner).containsOnly("front1");
    }

    @Test
    void aNodeThatIsNoFrontGetsNothing() {
        admin.registerNode("store1", "127.0.0.1");
        pollAll("store1");
        pollAll("store1");
        assertThat(hosts.of("store1")).isEmpty();
        assertThat(owners().values()).containsOnlyNulls();
    }
}
