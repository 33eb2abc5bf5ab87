package org.mailslot.cluster.vip;

import org.mailslot.core.testing.TestClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Directory;
import org.mailslot.directory.DirectorySettings;
import org.mailslot.directory.NodeRole;

/**
 * The linux IP manager on real interfaces, in network namespaces this test creates: fronts A and B each have an
 * interface vip0 on one bridge, in a third namespace P that plays the LAN (a client and the router). Addresses come
 * from 192.0.2.0/24 (TEST-NET-1), which exists only inside these namespaces. Needs root and {@code ip netns}; skipped
 * otherwise, with the reason.
 */
class LinuxIpManagerTest {
    static final String VIP = "192.0.2.100";
    static final String IFACE = "vip0";

    final String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    final String a = "ms-a-" + id;
    final String b = "ms-b-" + id;
    final String p = "ms-p-" + id;
    final List<String> created = new ArrayList<>();

    @BeforeEach
    void network() throws Exception {
        Assumptions.assumeTrue(sh("id", "-u").out().strip().equals("0"),
                "the linux IP manager test needs root (CI runs as root): skipped");
        Result probe = sh("ip", "netns", "add", p);
        Assumptions.assumeTrue(probe.exit() == 0, "cannot create network namespaces (ip netns add: "
                + probe.err().strip() + "): skipped");
        created.add(p);
        run("ip", "netns", "add", a);
        created.add(a);
        run("ip", "netns", "add", b);
        created.add(b);
        run("ip", "-n", p, "link", "add", "br0", "type", "bridge");
        run("ip", "-n", p, "addr", "add", "192.0.2.2/24", "dev", "br0");
        run("ip", "-n", p, "link", "set", "br0", "up");
        int host = 11;
        for (String ns : List.of(a, b)) {
            String peer = ns.equals(a) ? "pa" : "pb";
            run("ip", "link", "add", IFACE, "netns", ns, "type", "veth", "peer", "name", peer, "netns", p);
            run("ip", "-n", p, "link", "set", peer, "master", "br0");
            run("ip", "-n", p, "link", "set", peer, "up");
            run("ip", "-n", ns, "link", "set", "lo", "up");
            run("ip", "-n", ns, "link", "set", IFACE, "up");
            run("ip", "-n", ns, "addr", "add", "192.0.2." + host++ + "/24", "dev", IFACE);
        }
    }

    @AfterEach
    void removeNamespaces() throws Exception {
        for (String ns : created.reversed()) {
            sh("ip", "netns", "del", ns); // takes the namespace's interfaces with it
        }
    }

    LinuxIpManager in(String ns) {
        return new LinuxIpManager(List.of("ip", "netns", "exec", ns));
    }

    boolean has(String ns) throws Exception {
        return run("ip", "-n", ns, "-4", "addr", "show", "dev", IFACE).contains("inet " + VIP + "/32");
    }

    boolean reachable() throws Exception {
        return sh("ip", "netns", "exec", p, "ping", "-c", "1", "-W", "1", VIP).exit() == 0;
    }

    String mac(String ns) throws Exception {
        String link = run("ip", "-n", ns, "link", "show", IFACE);
        int at = link.indexOf("link/ether ") + "link/ether ".length();
        return link.substring(at, at + 17);
    }

    @Test
    void addedAddressesAppearAndAnswerRemovedOnesGo() throws Exception {
        InetAddress vip = InetAddress.ofLiteral(VIP);
        LinuxIpManager onA = in(a);
        onA.add(vip, IFACE);
        onA.add(vip, IFACE); // already there: fine
        assertThat(has(a)).isTrue();
        assertThat(run("ip", "-n", a, "-4", "addr", "show", "dev", IFACE)).contains(IFACE + ":vip");
        assertThat(has(b)).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(this::reachable); // a ping may be lost on a loaded machine
        onA.remove(vip, IFACE);
        onA.remove(vip, IFACE); // already gone: fine
        assertThat(has(a)).isFalse();
        assertThat(reachable()).isFalse();
    }

    @Test
    void aTakeoverIsAnnouncedByGratuitousArp() throws Exception {
        InetAddress vip = InetAddress.ofLiteral(VIP);
        in(a).add(vip, IFACE);
        await().atMost(Duration.ofSeconds(10)).until(this::reachable); // a ping may be lost on a loaded machine
        assertThat(run("ip", "-n", p, "neigh", "show", VIP)).contains(mac(a));
        // Linux ignores a neighbour update within locktime (1 s) of the last one: wait it out, as a real takeover does
        TimeUnit.MILLISECONDS.sleep(1100);
        in(a).remove(vip, IFACE);
        in(b).add(vip, IFACE);
        // without sending anything to the VIP, P's neighbour entry moves to B: only the gratuitous ARP can do that
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(run("ip", "-n", p, "neigh", "show", VIP)).contains(mac(b)));
        await().atMost(Duration.ofSeconds(10)).until(this::reachable); // a ping may be lost on a loaded machine
        assertThat(has(a)).isFalse();
    }

    @Test
    void failuresSayWhatFailedAndWhy() {
        InetAddress vip = InetAddress.ofLiteral(VIP);
        assertThatThrownBy(() -> in(a).add(vip, "nosuch0")).isInstanceOf(IOException.class)
                .hasMessageContaining("cannot add VIP 192.0.2.100 on nosuch0")
                .hasMessageContaining("ip -4 addr add 192.0.2.100/32 dev nosuch0")
                .hasMessageContaining("is vip.interface or the VIP's interface right?");
        assertThatThrownBy(() -> in(a).add(vip, null)).isInstanceOf(IOException.class)
                .hasMessageContaining("set vip.interface");
    }

    @Test
    void twoAgentsMoveTheVipBetweenNamespaces(@TempDir Path dir) throws Exception {
        TestClock clock = new TestClock();
        long[] nanos = {1_000_000_000L};
        VipSettings settings = new VipSettings(VipSettings.LINUX, IFACE, Duration.ofMillis(500),
                Duration.ofMillis(2500), Duration.ofMillis(1500));
        try (Directory d = Directory.open(DirectorySettings.defaults("jdbc:sqlite:" + dir.resolve("d.db")), clock)) {
            d.addNode("front-a", "192.0.2.11", Set.of(NodeRole.FRONT));
            d.addNode("front-b", "192.0.2.12", Set.of(NodeRole.FRONT));
            d.addVip(VIP, null);
            VipAgent agentA = new VipAgent(d, "front-a", in(a), settings, VipAgent.Listener.NONE, clock, () -> nanos[0]);
            VipAgent agentB = new VipAgent(d, "front-b", in(b), settings, VipAgent.Listener.NONE, clock, () -> nanos[0]);
            agentA.poll();
            agentB.poll();
            assertThat(has(a)).isTrue();
            assertThat(has(b)).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(this::reachable); // a ping may be lost on a loaded machine
            // front A dies with its host: its namespace loses the address, B takes over after takeover-after
            run("ip", "-n", a, "addr", "del", VIP + "/32", "dev", IFACE);
            for (int i = 0; i < 12; i++) {
                clock.now = clock.now.plusMillis(250);
                nanos[0] += 250_000_000L;
                agentB.poll();
            }
            assertThat(has(b)).isTrue();
            // P still has A's MAC for the VIP until B's gratuitous ARPs land (one of them after the 1 s locktime)
            await().atMost(Duration.ofSeconds(10)).until(this::reachable);
            agentB.close();
            assertThat(has(b)).isFalse();
        }
    }

    record Result(int exit, String out, String err) {}

    static Result sh(String... cmd) throws IOException, InterruptedException {
        Process proc = new ProcessBuilder(cmd).start();
        if (!proc.waitFor(20, TimeUnit.SECONDS)) {
            proc.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " did not finish");
        }
        return new Result(proc.exitValue(), new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(proc.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    static String run(String... cmd) throws IOException, InterruptedException {
        Result r = sh(cmd);
        if (r.exit() != 0) {
            throw new IOException(String.join(" ", cmd) + ": exit " + r.exit() + ": " + r.err());
        }
        return r.out();
    }
}
