package org.mailslot.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Directory;
import org.mailslot.directory.Vip;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two fronts sharing two VIPs (loopback IP manager): clients keep logging in through both VIPs while one front is
 * killed with SIGKILL; the survivor takes its VIP over and every VIP answers again. Prints the figures.
 */
class FrontTakeoverTest {
    @TempDir
    Path dir;

    @Test
    void aSurvivingFrontTakesOverTheVipsOfAKilledOne() throws Exception {
        try (StoreCluster cluster = StoreCluster.start(dir, 2, 2, n -> "", true)) {
            String alice = cluster.addAccounts("alice", cluster.slotMasteredBy("node2"), 1).getFirst();
            List<String> vips = List.of(cluster.spareAddress(21), cluster.spareAddress(22));
            try (Directory d = cluster.directory()) {
                vips.forEach(v -> d.addVip(v, null));
            }
            int imapPort = ThreadLocalRandom.current().nextInt(30_000, 40_000);
            int dnsPort = imapPort + 1;
            List<NodeProcess> fronts = new ArrayList<>();
            try {
                for (int i = 1; i <= 2; i++) {
                    String own = cluster.spareAddress(i);
                    NodeProcess front = NodeProcess.configure(dir.resolve("front" + i), "front" + i, "front", """
                            smtp:
                              listen: ""
                            submission:
                              listen: ""
                              listen-tls: ""
                            lmtp:
                              listen: ""
                            pop3:
                              listen: ""
                              listen-tls: ""
                            imap:
                              listen: %s:%d
                              listen-tls: ""
                            metrics:
                              listen: 127.0.0.1:0
                            """.formatted(own, imapPort), cluster.frontKeys(own) + """
                            dns:
                              listen: %s:%d
                              zone: %s
                            """.formatted(own, dnsPort, StoreCluster.DOMAIN));
                    front.launch(List.of());
                    fronts.add(front);
                }
                assertThat(StoreCluster.await(Duration.ofSeconds(30), () -> owners(cluster).size() == 2
                        && vips.stream().allMatch(v -> login(v, imapPort, alice)))).as("both fronts hold a VIP").isTrue();
                Map<String, String> before = owners(cluster);
                String victimVip = vips.getFirst();
                NodeProcess victim = fronts.get(Integer.parseInt(before.get(victimVip).substring("front".length())) - 1);

                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger ok = new AtomicInteger();
                AtomicInteger failed = new AtomicInteger();
                Map<String, Long> lastFailure = new ConcurrentHashMap<>();
                java.util.concurrent.atomic.AtomicLong killedAtRef = new java.util.concurrent.atomic.AtomicLong();
                java.util.concurrent.atomic.AtomicLong backAt = new java.util.concurrent.atomic.AtomicLong();
                List<Thread> clients = new ArrayList<>();
                for (String vip : vips) {
                    clients.add(Thread.ofVirtual().start(() -> {
                        while (!stop.get()) {
                            if (login(vip, imapPort, alice)) {
                                ok.incrementAndGet();
                                if (vip.equals(victimVip) && killedAtRef.get() != 0) {
                                    backAt.compareAndSet(0, System.nanoTime());
                                }
                            } else {
                                failed.incrementAndGet();
                                lastFailure.put(vip, System.nanoTime());
                            }
                            sleep(50);
                        }
                    }));
                }
                // and clients that look the service name up through the fronts' DNS responders each time, as mail
                // clients do: imap.<zone> answers with the VIPs (held by a live front) in a new order every time
                org.xbill.DNS.Resolver dns = resolver(List.of(cluster.spareAddress(1), cluster.spareAddress(2)), dnsPort);
                AtomicInteger byNameOk = new AtomicInteger();
                AtomicInteger byNameFailed = new AtomicInteger();
                java.util.concurrent.atomic.AtomicLong byNameLastFailure = new java.util.concurrent.atomic.AtomicLong();
                clients.add(Thread.ofVirtual().start(() -> {
                    while (!stop.get()) {
                        String address = lookUp(dns, "imap." + StoreCluster.DOMAIN + ".");
                        if (address != null && login(address, imapPort, alice)) {
                            byNameOk.incrementAndGet();
                        } else {
                            byNameFailed.incrementAndGet();
                            byNameLastFailure.set(System.nanoTime());
                        }
                        sleep(50);
                    }
                }));
                sleep(500);
                long killedAt = System.nanoTime();
                killedAtRef.set(killedAt);
                victim.kill9();
                boolean back = StoreCluster.await(Duration.ofSeconds(20), () ->
                        vips.stream().allMatch(v -> login(v, imapPort, alice)));
                long answeringAfter = System.nanoTime() - killedAt;
                sleep(1000);
                stop.set(true);
                for (Thread t : clients) {
                    t.join();
                }
                Set<String> holders = owners(cluster).values().stream().collect(Collectors.toSet());
                System.out.printf("front takeover: first login through the killed front's VIP %d ms after SIGKILL"
                                + " (all VIPs checked again after %d ms); %d logins failed, %d succeeded; last failure"
                                + " %d ms after the kill%n",
                        (backAt.get() - killedAt) / 1_000_000, answeringAfter / 1_000_000, failed.get(), ok.get(),
                        lastFailure.values().stream().mapToLong(t -> (t - killedAt) / 1_000_000).max().orElse(0));
                System.out.printf("front takeover, clients by service name: %d logins failed, %d succeeded; last failure"
                                + " %d ms after the kill%n", byNameFailed.get(), byNameOk.get(),
                        byNameLastFailure.get() == 0 ? 0 : (byNameLastFailure.get() - killedAt) / 1_000_000);
                assertThat(back).as("every VIP answers again").isTrue();
                assertThat(byNameOk.get()).as("clients by service name log in").isPositive();
                assertThat(byNameLastFailure.get() - killedAt).as("no login by name fails once every VIP answers again")
                        .isLessThan(answeringAfter + Duration.ofSeconds(1).toNanos());
                assertThat(lookUp(dns, "imap." + StoreCluster.DOMAIN + ".")).isIn(vips);
                assertThat(holders).as("the survivor holds both VIPs").hasSize(1).doesNotContain(before.get(victimVip));
                assertThat(owners(cluster)).containsOnlyKeys(vips);
                assertThat(lastFailure.keySet()).as("logins through the survivor's own VIP never failed")
                        .doesNotContain(vips.stream().filter(v -> !v.equals(victimVip)
                                && !before.get(v).equals(before.get(victimVip))).toArray(String[]::new));
            } finally {
                for (NodeProcess f : fronts) {
                    f.close();
                }
            }
        }
    }

    /** A stub resolver asking the fronts' DNS responders, the second when the first does not answer. */
    private static org.xbill.DNS.Resolver resolver(List<String> servers, int port) throws Exception {
        List<org.xbill.DNS.Resolver> each = new ArrayList<>();
        for (String server : servers) {
            org.xbill.DNS.SimpleResolver r = new org.xbill.DNS.SimpleResolver(new InetSocketAddress(server, port));
            r.setTimeout(Duration.ofMillis(500));
            each.add(r);
        }
        org.xbill.DNS.ExtendedResolver resolver = new org.xbill.DNS.ExtendedResolver(each);
        resolver.setTimeout(Duration.ofMillis(1500));
        return resolver;
    }

    /** The first address of the name's A records, or null when the lookup failed. */
    private static String lookUp(org.xbill.DNS.Resolver resolver, String name) {
        try {
            org.xbill.DNS.Lookup lookup = new org.xbill.DNS.Lookup(name, org.xbill.DNS.Type.A);
            lookup.setResolver(resolver);
            lookup.setCache(null);
            org.xbill.DNS.Record[] records = lookup.run();
            return records == null || records.length == 0 ? null
                    : ((org.xbill.DNS.ARecord) records[0]).getAddress().getHostAddress();
        } catch (Exception e) {
            return null;
        }
    }

    private static Map<String, String> owners(StoreCluster cluster) {
        try (Directory d = cluster.directory()) {
            return d.listVips().stream().filter(v -> v.owner() != null).collect(Collectors.toMap(Vip::address, Vip::owner));
        }
    }

    /** One IMAP login through {@code vip}; false on any failure (refused connection, no greeting, NO). */
    private static boolean login(String vip, int port, String account) {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(vip, port), 1000);
        } catch (Exception e) {
            return false;
        }
        try (MailClients.Imap imap = new MailClients.Imap(vip, port)) {
            return imap.login(account, StoreCluster.PASSWORD).ok();
        } catch (Exception e) {
            return false;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
