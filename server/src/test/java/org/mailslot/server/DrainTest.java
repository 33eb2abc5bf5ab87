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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Account;
import org.mailslot.directory.Directory;
import org.mailslot.directory.Slot;

/**
 * Issue 4's drain: a node mastering 20 slots is drained while deliveries keep coming. The delivering client does
 * what the front will: it sends each message to the current master of the recipient's slot and, on a temporary
 * refusal (the moment a slot switches), looks the master up again and retries. Counted: deliveries acknowledged,
 * present afterwards on the new masters, permanently refused, and the time the drain took.
 */
class DrainTest {
    private static final Pattern DRAINED = Pattern.compile("(\\d+) masters moved in (\\d+) ms");

    record Acked(String id, String account) {}

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void drainingANodeWithTwentyMastersUnderDeliveryLoadLosesAndFailsNothing(@TempDir Path dir) throws Exception {
        try (StoreCluster cluster = StoreCluster.start(dir, 2, 20, "")) {
            Map<Integer, String> accountBySlot = new HashMap<>();
            Map<String, Integer> slotOf = new HashMap<>();
            try (Directory d = cluster.directory()) {
                for (Slot s : d.listSlots()) {
                    if (s.masterNode().equals("node1")) {
                        String account = cluster.addAccounts("s" + s.id() + "-", s.id(), 1).getFirst();
                        accountBySlot.put(s.id(), account);
                        slotOf.put(account, s.id());
                    }
                }
            }
            assertThat(accountBySlot).hasSize(20);
            List<String> accounts = List.copyOf(slotOf.keySet());
            Map<String, NodeProcess> nodes = Map.of("node1", cluster.node(1), "node2", cluster.node(2));
            Map<Integer, String> masters = new ConcurrentHashMap<>();

            ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
            AtomicInteger retries = new AtomicInteger();
            AtomicInteger permanent = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> senders = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                int sender = s;
                senders.add(Thread.ofVirtual().start(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int n = 0; !stop.get(); n++) {
                        String account = accounts.get(random.nextInt(accounts.size()));
                        String id = "drain-" + sender + "-" + n;
                        byte[] message = StoreCluster.message(id, 1000 + random.nextInt(8000));
                        int code = cluster.deliverToMaster(nodes, masters, slotOf.get(account), account, message,
                                50, retries);
                        if (code == 250) {
                            acked.add(new Acked(id, account));
                        } else if (code >= 500) {
                            permanent.incrementAndGet();
                        }
                    }
                }));
            }
            StoreCluster.await(Duration.ofSeconds(30), () -> acked.size() >= 100);
            int beforeDrain = acked.size();

            assertThat(cluster.admin("node", "drain", "node1", "--wait", "30s"))
                    .as("drain: " + cluster.err() + "\n" + cluster.logs()).isZero();
            Matcher m = DRAINED.matcher(cluster.out());
            assertThat(m.find()).as(cluster.out()).isTrue();
            int moved = Integer.parseInt(m.group(1));
            long drainMs = Long.parseLong(m.group(2));
            int acknowledgedAfterDrainStarted = acked.size() - beforeDrain;
            StoreCluster.await(Duration.ofSeconds(10), () -> acked.size() >= beforeDrain + acknowledgedAfterDrainStarted + 50);
            stop.set(true);
            for (Thread t : senders) {
                t.join(Duration.ofSeconds(30));
            }

            try (Directory d = cluster.directory()) {
                assertThat(d.listSlots()).as("every master off node1").allMatch(s -> s.masterNode().equals("node2"));
            }
            List<Acked> all = List.copyOf(acked);
            Map<String, StoreCluster.Mailbox> onNode2 = new HashMap<>();
            for (String account : accounts) {
                onNode2.put(account, StoreCluster.inbox(cluster.node(2), account));
            }
            int present = 0;
            int duplicates = 0;
            List<Acked> lost = new ArrayList<>();
            for (Acked x : all) {
                long copies = onNode2.get(x.account()).idsByUid().values().stream()
                        .filter(v -> StoreCluster.idOf(v).equals(x.id())).count();
                if (copies == 0) {
                    lost.add(x);
                } else {
                    present++;
                    duplicates += (int) (copies - 1);
                }
            }
            System.out.printf("drain of %d masters under delivery load: %d ms; acknowledged %d, present %d, lost %d,"
                            + " duplicates %d, permanently refused %d, retried after a temporary refusal %d%n", moved,
                    drainMs, all.size(), present, lost.size(), duplicates, permanent.get(), retries.get());
            assertThat(moved).isEqualTo(20);
            assertThat(lost).as("acknowledged, then missing on the new masters").isEmpty();
            assertThat(permanent.get()).as("deliveries refused for good").isZero();
            assertThat(duplicates).isZero();

            // maintenance over: node1 comes back and a rebalance gives it its 20 masters again, by switchovers
            assertThat(cluster.admin("node", "undrain", "node1")).isZero();
            assertThat(cluster.admin("cluster", "rebalance", "--dry-run")).isZero();
            assertThat(cluster.out()).contains("switch over to node1");
            assertThat(cluster.admin("cluster", "rebalance")).as(cluster.err()).isZero();
            System.out.println("rebalance after undrain: " + cluster.out().lines().reduce((a, b) -> b).orElse(""));
            assertThat(cluster.admin("cluster", "status", "--json")).isZero();
            assertThat(cluster.out()).containsPattern("\"even\" *: *true");
            assertThat(cluster.admin("cluster", "rebalance")).isZero();
            assertThat(cluster.out()).contains("nothing to do");
            for (String account : accounts) {
                NodeProcess master = nodes.get(cluster.slot(slotOf.get(account)).masterNode()); // the plan chose which slots
                StoreCluster.await(Duration.ofSeconds(10), () -> {
                    try {
                        StoreCluster.inbox(master, account);
                        return true;
                    } catch (IOException e) {
                        return false; // the new master takes its role at its next refresh
                    }
                });
                var box = StoreCluster.inbox(master, account);
                for (Acked x : all) {
                    if (x.account().equals(account)) {
                        assertThat(box.idsByUid().values().stream().map(StoreCluster::idOf))
                                .as("%s after the rebalance", x.id()).contains(x.id());
                    }
                }
            }
        }
    }


}
