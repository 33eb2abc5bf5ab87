package org.mailslot.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Directory;
import org.mailslot.directory.Slot;

/**
 * Issue 4's "adding a node": node add, start it, cluster rebalance moves slot copies onto it online (copy, catch up,
 * switch) until the spread is even, while deliveries keep coming; nothing acknowledged is lost or refused for good.
 */
class AddNodeTest {
    record Acked(String id, String account) {}

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aNewNodeGetsItsShareOfSlotsWhileUsersKeepWorking(@TempDir Path dir) throws Exception {
        try (StoreCluster cluster = StoreCluster.start(dir, 2, 3, "")) {
            Map<String, Integer> slotOf = new HashMap<>();
            try (Directory d = cluster.directory()) {
                for (Slot s : d.listSlots()) {
                    slotOf.put(cluster.addAccounts("n" + s.id() + "-", s.id(), 1).getFirst(), s.id());
                }
            }
            List<String> accounts = List.copyOf(slotOf.keySet());
            Map<String, NodeProcess> nodes = new ConcurrentHashMap<>(Map.of("node1", cluster.node(1),
                    "node2", cluster.node(2)));
            Map<Integer, String> masters = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
            AtomicInteger permanent = new AtomicInteger();
            AtomicInteger retries = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> senders = new ArrayList<>();
            for (int s = 0; s < 3; s++) {
                int sender = s;
                senders.add(Thread.ofVirtual().start(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int n = 0; !stop.get(); n++) {
                        String account = accounts.get(random.nextInt(accounts.size()));
                        String id = "add-" + sender + "-" + n;
                        byte[] message = StoreCluster.message(id, 1000 + random.nextInt(4000));
                        int code = cluster.deliverToMaster(nodes, masters, slotOf.get(account), account, message,
                                100, retries);
                        if (code == 250) {
                            acked.add(new Acked(id, account));
                        } else if (code >= 500) {
                            permanent.incrementAndGet();
                        }
                    }
                }));
            }
            StoreCluster.await(Duration.ofSeconds(30), () -> acked.size() >= 60);

            NodeProcess node3 = cluster.addNode();
            nodes.put("node3", node3);
            long started = System.nanoTime();
            assertThat(cluster.admin("cluster", "rebalance", "--wait", "60s"))
                    .as(cluster.out() + cluster.err() + "\n" + cluster.logs()).isZero();
            long rebalanceMs = (System.nanoTime() - started) / 1_000_000;
            String summary = cluster.out().lines().reduce((a, b) -> b).orElse("");
            int before = acked.size();
            StoreCluster.await(Duration.ofSeconds(10), () -> acked.size() >= before + 30);
            stop.set(true);
            for (Thread t : senders) {
                t.join(Duration.ofSeconds(30));
            }

            assertThat(cluster.admin("cluster", "status", "--json")).isZero();
            assertThat(cluster.out()).containsPattern("\"even\" *: *true");
            List<Acked> all = List.copyOf(acked);
            int present = 0;
            List<Acked> lost = new ArrayList<>();
            for (String account : accounts) {
                NodeProcess master = nodes.get(cluster.slot(slotOf.get(account)).masterNode());
                StoreCluster.await(Duration.ofSeconds(10), () -> {
                    try {
                        StoreCluster.inbox(master, account);
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                });
                var ids = StoreCluster.inbox(master, account).idsByUid().values().stream().map(StoreCluster::idOf).toList();
                for (Acked x : all) {
                    if (x.account().equals(account)) {
                        if (ids.contains(x.id())) {
                            present++;
                        } else {
                            lost.add(x);
                        }
                    }
                }
            }
            System.out.printf("adding a node under delivery load: rebalance %d ms (%s); acknowledged %d, present %d,"
                            + " lost %d, refused for good %d, retried %d%n", rebalanceMs, summary, all.size(), present,
                    lost.size(), permanent.get(), retries.get());
            assertThat(lost).isEmpty();
            assertThat(permanent.get()).isZero();
            try (Directory d = cluster.directory()) {
                assertThat(d.listSlots()).anyMatch(s -> s.masterNode().equals("node3"))
                        .anyMatch(s -> "node3".equals(s.replicaNode())).allMatch(Slot::inSync);
            }
        }
    }

}
