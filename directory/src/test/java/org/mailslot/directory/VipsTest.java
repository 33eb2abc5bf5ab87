package org.mailslot.directory;

import org.mailslot.core.testing.TestClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailslot.directory.DirectoryException.Reason.EXISTS;
import static org.mailslot.directory.DirectoryException.Reason.INVALID;
import static org.mailslot.directory.DirectoryException.Reason.NOT_FOUND;
import static org.mailslot.directory.Fixtures.fails;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** VIPs: addresses, holders changed only by compare-and-set, planned moves handed over by the holder. */
class VipsTest {

    private static Directory fronts(Directory d) {
        d.addNode("front1", "10.0.1.1", Set.of(NodeRole.FRONT));
        d.addNode("front2", "10.0.1.2", Set.of(NodeRole.FRONT));
        d.registerNode("store1", "10.0.0.1");
        return d;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void addListRemoveInNumericOrderWithCanonicalText(Backend backend) {
        TestClock clock = new TestClock();
        try (Directory d = Directory.open(backend.settings(), clock)) {
            d.addVip("192.0.2.10", null);
            d.addVip("2001:DB8:0:0:0:0:0:1", "eth1");
            Vip nine = d.addVip(" 192.0.2.9 ", "eth0");
            assertThat(nine).isEqualTo(new Vip("192.0.2.9", "eth0", null, null, null, clock.now));
            d.addVip("127.0.0.21", null);
            assertThat(d.listVips()).extracting(Vip::address)
                    .containsExactly("127.0.0.21", "192.0.2.9", "192.0.2.10", "2001:db8::1");

            fails(EXISTS, "VIP 2001:db8::1", () -> d.addVip("2001:db8::0:1", null));
            fails(INVALID, "must be an IPv4 or IPv6 address", () -> d.addVip("mail.example.test", null));
            fails(INVALID, "must be an IPv4 or IPv6 address", () -> d.addVip("192.0.2.300", null));
            fails(INVALID, "must be an IPv4 or IPv6 address", () -> d.addVip("fe80::1%eth0", null));
            fails(INVALID, "unspecified, multicast or broadcast", () -> d.addVip("0.0.0.0", null));
            fails(INVALID, "unspecified, multicast or broadcast", () -> d.addVip("224.0.0.18", null));
            fails(INVALID, "unspecified, multicast or broadcast", () -> d.addVip("255.255.255.255", null));
            fails(INVALID, "network interface name", () -> d.addVip("192.0.2.11", "eth0; reboot"));
            fails(INVALID, "network interface name", () -> d.addVip("192.0.2.11", "a-very-long-interface"));

            d.removeVip("2001:db8:0::1");
            fails(NOT_FOUND, "VIP 2001:db8::1", () -> d.removeVip("2001:db8::1"));
            assertThat(d.listVips()).hasSize(3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void holdersChangeOnlyFromTheExpectedOne(Backend backend) {
        TestClock clock = new TestClock();
        try (Directory d = fronts(Directory.open(backend.settings(), clock))) {
            d.addVip("192.0.2.10", null);
            assertThat(d.assignVip("192.0.2.10", "front2", "front1")).isFalse(); // nobody holds it
            assertThat(d.assignVip("192.0.2.10", null, "front1")).isTrue();
            Instant since = clock.now;
            clock.now = clock.now.plusSeconds(3);
            assertThat(d.assignVip("192.0.2.10", null, "front2")).isFalse(); // a racing manager loses
            assertThat(d.listVips().getFirst()).extracting(Vip::owner, Vip::ownerSince).containsExactly("front1", since);

            assertThat(d.assignVip("192.0.2.10", "front1", "front2")).isTrue(); // front1 died: taken over
            assertThat(d.listVips().getFirst()).extracting(Vip::owner, Vip::ownerSince).containsExactly("front2", clock.now);
            assertThat(d.assignVip("192.0.2.10", "front2", null)).isTrue();
            assertThat(d.listVips().getFirst()).extracting(Vip::owner, Vip::ownerSince).containsExactly(null, null);

            fails(NOT_FOUND, "node front9", () -> d.assignVip("192.0.2.10", null, "front9"));
            fails(NOT_FOUND, "VIP 192.0.2.99", () -> d.assignVip("192.0.2.99", null, "front1"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void aPlannedMoveIsHandedOverByTheHolderAfterItLetGo(Backend backend) {
        TestClock clock = new TestClock();
        try (Directory d = fronts(Directory.open(backend.settings(), clock))) {
            d.addVip("192.0.2.10", null);
            d.assignVip("192.0.2.10", null, "front1");
            assertThat(d.planVipMove("192.0.2.10", "front2", "front1")).isFalse(); // front2 does not hold it
            assertThat(d.planVipMove("192.0.2.10", "front1", "front2")).isTrue();
            Vip planned = d.listVips().getFirst();
            assertThat(planned).extracting(Vip::owner, Vip::movingTo).containsExactly("front1", "front2");

            // the plan changed after the holder read it: its release does nothing and it still holds the VIP
            assertThat(d.planVipMove("192.0.2.10", "front1", "store1")).isTrue();
            assertThat(d.releaseVip("192.0.2.10", "front1", "front2")).isFalse();
            assertThat(d.listVips().getFirst().owner()).isEqualTo("front1");

            assertThat(d.planVipMove("192.0.2.10", "front1", "front2")).isTrue();
            clock.now = clock.now.plusSeconds(1);
            assertThat(d.releaseVip("192.0.2.10", "front1", "front2")).isTrue();
            Vip moved = d.listVips().getFirst();
            assertThat(moved).extracting(Vip::owner, Vip::ownerSince, Vip::movingTo)
                    .containsExactly("front2", clock.now, null);
            assertThat(d.releaseVip("192.0.2.10", "front1", null)).isFalse();

            // a move cancelled by the manager; a release without a planned move leaves it to nobody
            d.planVipMove("192.0.2.10", "front2", "front1");
            d.planVipMove("192.0.2.10", "front2", null);
            assertThat(d.listVips().getFirst().movingTo()).isNull();
            assertThat(d.releaseVip("192.0.2.10", "front2", null)).isTrue();
            assertThat(d.listVips().getFirst().owner()).isNull();

            fails(INVALID, "needs an owner and another node", () -> d.planVipMove("192.0.2.10", "front1", "front1"));
            fails(NOT_FOUND, "node front9", () -> d.planVipMove("192.0.2.10", "front1", "front9"));
            assertThat(d.releaseVip("192.0.2.99", "front1", null)).isFalse(); // removed meanwhile
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void frontsAndTheirVipHeartbeats(Backend backend) {
        TestClock clock = new TestClock();
        try (Directory d = fronts(Directory.open(backend.settings(), clock))) {
            Instant at = clock.now.minusMillis(300);
            d.vipHeartbeat("front1", at);
            d.vipHeartbeat("store1", at); // a store node running a VIP agent counts, without the front role
            assertThat(d.listVipFronts()).containsExactly(
                    new VipFront("front1", true, NodeState.ACTIVE, at),
                    new VipFront("front2", true, NodeState.ACTIVE, null),
                    new VipFront("store1", false, NodeState.ACTIVE, at));
            d.vipHeartbeat("front1", null); // stopped cleanly
            assertThat(d.listVipFronts().getFirst().heartbeat()).isNull();
            assertThat(d.listNodes().getFirst().lastHeartbeat()).isNull(); // the node's own heartbeat is apart
            fails(NOT_FOUND, "node front9", () -> d.vipHeartbeat("front9", at));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void aReleasedLeaseIsFreeAtOnce(Backend backend) {
        try (Directory d = backend.open()) {
            assertThat(d.acquireLease("vip-manager", "front1", Duration.ofMinutes(1))).isTrue();
            d.releaseLease("vip-manager", "front2"); // not the holder: nothing happens
            assertThat(d.acquireLease("vip-manager", "front2", Duration.ofMinutes(1))).isFalse();
            d.releaseLease("vip-manager", "front1");
            assertThat(d.acquireLease("vip-manager", "front2", Duration.ofMinutes(1))).isTrue();
            assertThat(List.of(d.acquireLease("vip-manager", "front1", Duration.ofMinutes(1)))).containsExactly(false);
        }
    }
}
