package org.mailslot.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN.md section 5's invariants against real faults on two store nodes in their own JVMs: the master killed under
 * load, the replica frozen (SIGSTOP) while writes go on, and a frozen master that comes back after its replica was
 * promoted. Every acknowledgement a client got (LMTP 250 per recipient, IMAP APPEND tagged OK with APPENDUID) is
 * counted and looked for on the copy that serves afterwards.
 */
class ReplicationFaultTest {
    private static final Pattern APPENDUID = Pattern.compile("\\[APPENDUID (\\d+) (\\d+)]");

    /** One acknowledged write: the message's id, the account it went to, and for an APPEND the UID it was given. */
    record Acked(String id, String account, long uidValidity, long uid) {}

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void sigkillOfTheMasterUnderLoadLosesNoAcknowledgedWrite(@TempDir Path dir) throws Exception {
        try (StoreCluster cluster = StoreCluster.start(dir, 2, 2, "")) {
            NodeProcess a = cluster.node(1);
            NodeProcess b = cluster.node(2);
            int slot = cluster.slotMasteredBy("node1");
            List<String> accounts = cluster.addAccounts("load", slot, 3);
            Map<String, Long> validity = new HashMap<>();
            for (String account : accounts) {
                validity.put(account, StoreCluster.inbox(a, account).uidValidity());
            }

            ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
            List<Thread> clients = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                int sender = s;
                clients.add(Thread.ofVirtual().start(() -> sendByLmtp(a, sender, accounts, acked)));
            }
            for (int s = 0; s < 2; s++) {
                int appender = s;
                clients.add(Thread.ofVirtual().start(() -> appendByImap(a, appender, accounts.get(appender), acked)));
            }
            StoreCluster.await(Duration.ofSeconds(40), () -> acked.size() >= 150);
            a.kill9();
            for (Thread t : clients) {
                t.join(Duration.ofSeconds(30));
            }
            List<Acked> before = List.copyOf(acked);
            assertThat(before.size()).as("writes acknowledged before SIGKILL").isGreaterThanOrEqualTo(50);
            assertThat(before).as("IMAP appends acknowledged").anyMatch(x -> x.uid() > 0);

            assertThat(cluster.admin("slot", "failover", Integer.toString(slot), "--reason", "test: master killed"))
                    .as("failover of an in-sync replica without --force: " + cluster.err()).isZero();
            assertThat(cluster.awaitServes(b, accounts.getFirst(), Duration.ofSeconds(20)))
                    .as("node2 serves slot %d after the failover\n%s", slot, cluster.logs()).isTrue();

            Map<String, StoreCluster.Mailbox> onB = new HashMap<>();
            for (String account : accounts) {
                onB.put(account, StoreCluster.inbox(b, account));
            }
            Tally tally = Tally.of(before, onB);
            System.out.printf("failover under load: acknowledged %d (%d LMTP deliveries, %d IMAP appends), present %d,"
                            + " lost %d, duplicates %d%n", before.size(), before.stream().filter(x -> x.uid() == 0).count(),
                    before.stream().filter(x -> x.uid() > 0).count(), tally.present(), tally.lost(), tally.duplicates());
            assertThat(tally.lost()).as("acknowledged on node1, missing on node2: " + tally.missing()).isZero();
            assertThat(tally.duplicates()).as("duplicates").isZero();
            for (String account : accounts) {
                assertThat(onB.get(account).uidValidity()).as("UIDVALIDITY of %s", account).isEqualTo(validity.get(account));
            }
            Map<String, Long> lastUid = new HashMap<>();
            for (Acked x : before) {
                if (x.uid() > 0) {
                    String appender = x.id().substring(0, x.id().lastIndexOf('-'));
                    assertThat(x.uid()).as("UIDs of one client's appends ascend").isGreaterThan(lastUid.getOrDefault(appender, 0L));
                    lastUid.put(appender, x.uid());
                    assertThat(x.uidValidity()).isEqualTo(validity.get(x.account()));
                    assertThat(StoreCluster.idOf(onB.get(x.account()).idsByUid().getOrDefault(x.uid(), "(none)")))
                            .as("UID %d of %s", x.uid(), x.account()).isEqualTo(x.id());
                }
            }

            // UIDs are never reused: the new master's next UID comes after every one the old master gave out.
            String account = accounts.getFirst();
            long highest = onB.get(account).idsByUid().lastKey();
            try (MailClients.Imap imap = new MailClients.Imap("127.0.0.1", b.port("imap"))) {
                assertThat(imap.login(account, StoreCluster.PASSWORD).ok()).isTrue();
                MailClients.Imap.Reply r = imap.append("INBOX", StoreCluster.message("after-failover", 500));
                assertThat(r.ok()).as(r.tagged()).isTrue();
                Matcher m = APPENDUID.matcher(r.tagged());
                assertThat(m.find()).isTrue();
                assertThat(Long.parseLong(m.group(1))).isEqualTo(validity.get(account));
                assertThat(Long.parseLong(m.group(2))).isGreaterThan(highest);
            }
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aFrozenReplicaFallsOutOfSyncWithoutHoldingWritesUpAndCatchesUp(@TempDir Path dir) throws Exception {
        Duration shipTimeout = Duration.ofMillis(500);
        try (StoreCluster cluster = StoreCluster.start(dir, 2, 2, "  ship-timeout: 500ms\n")) {
            NodeProcess a = cluster.node(1);
            NodeProcess b = cluster.node(2);
            int slot = cluster.slotMasteredBy("node1");
            String account = cluster.addAccounts("cut", slot, 1).getFirst();
            List<String> acked = new ArrayList<>();
            long slowest = 0;
            long caughtUp;
            try (MailClients.Smtp lmtp = new MailClients.Smtp(a.port("lmtp"), true)) {
                for (int i = 0; i < 5; i++) {
                    assertThat(StoreCluster.lmtp(lmtp, account, StoreCluster.message("in-sync-" + i, 2000))).isEqualTo(250);
                    acked.add("in-sync-" + i);
                }

                StoreCluster.signal(b, "STOP");
                try {
                    for (int i = 0; i < 10; i++) {
                        long start = System.nanoTime();
                        assertThat(StoreCluster.lmtp(lmtp, account, StoreCluster.message("cut-" + i, 2000)))
                                .as("delivery %d while node2 is frozen", i).isEqualTo(250);
                        slowest = Math.max(slowest, System.nanoTime() - start);
                        acked.add("cut-" + i);
                    }
                    assertThat(cluster.slotListed(slot).path("inSync").asBoolean()).as("slot list: in sync").isFalse();
                    assertThat(cluster.admin("slot", "failover", Integer.toString(slot)))
                            .as("failover to an out-of-sync replica without --force").isEqualTo(ExitCode.INVALID);
                    assertThat(cluster.err()).contains("out of sync");
                } finally {
                    StoreCluster.signal(b, "CONT");
                }
                caughtUp = System.nanoTime();
                assertThat(cluster.awaitInSync(slot, true, Duration.ofSeconds(15)))
                        .as("node2 back in sync after SIGCONT\n%s", cluster.logs()).isTrue();
                caughtUp = System.nanoTime() - caughtUp;
                for (int i = 0; i < 3; i++) {
                    assertThat(StoreCluster.lmtp(lmtp, account, StoreCluster.message("again-" + i, 2000))).isEqualTo(250);
                    acked.add("again-" + i);
                }
            }
            System.out.printf("frozen replica: slowest delivery %d ms (cluster.ship-timeout %d ms); back in sync %d ms"
                            + " after SIGCONT%n", TimeUnit.NANOSECONDS.toMillis(slowest), shipTimeout.toMillis(),
                    TimeUnit.NANOSECONDS.toMillis(caughtUp));
            // one delivery waits out the ship timeout and the directory write; the rest are answered at once
            assertThat(Duration.ofNanos(slowest)).isLessThan(shipTimeout.plusSeconds(2));

            assertThat(cluster.admin("slot", "failover", Integer.toString(slot))).as(cluster.err()).isZero();
            assertThat(cluster.awaitServes(b, account, Duration.ofSeconds(20))).as(cluster.logs()).isTrue();
            StoreCluster.Mailbox onB = StoreCluster.inbox(b, account);
            List<String> present = onB.idsByUid().values().stream().map(StoreCluster::idOf).toList();
            System.out.printf("frozen replica: acknowledged %d, present on node2 %d%n", acked.size(),
                    acked.stream().filter(present::contains).count());
            assertThat(present).containsExactlyElementsOf(acked);
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aStaleMasterAcknowledgesNothingAfterItsReplicaWasPromoted(@TempDir Path dir) throws Exception {
        // node1 reads the slot map only every 30 s, and node2, once master, waits 30 s between attempts to copy the
        // slot back to node1 (which would make node1 look at the map): so node1 wakes up still master at the old
        // epoch, and what refuses its writes is node2, which knows the newer one (invariant 2)
        try (StoreCluster cluster = StoreCluster.start(dir, 2, 2, node -> "  ship-timeout: 500ms\n"
                + (node == 1 ? "  role-refresh: 30s\n  lease: 90s\n  failover-after: 90s\n" : "  reconnect: 30s\n"))) {
            NodeProcess a = cluster.node(1);
            NodeProcess b = cluster.node(2);
            int slot = cluster.slotMasteredBy("node1");
            String account = cluster.addAccounts("stale", slot, 1).getFirst();
            List<String> acked = new ArrayList<>();
            try (MailClients.Smtp lmtp = new MailClients.Smtp(a.port("lmtp"), true)) {
                for (int i = 0; i < 10; i++) {
                    assertThat(StoreCluster.lmtp(lmtp, account, StoreCluster.message("before-" + i, 2000))).isEqualTo(250);
                    acked.add("before-" + i);
                }
            }
            try (MailClients.Imap imap = new MailClients.Imap("127.0.0.1", a.port("imap"))) {
                assertThat(imap.login(account, StoreCluster.PASSWORD).ok()).isTrue();
                imap.select("INBOX");
                long epoch = cluster.slot(slot).epoch();

                StoreCluster.signal(a, "STOP");
                try {
                    assertThat(cluster.admin("slot", "failover", Integer.toString(slot), "--reason", "test: node1 frozen"))
                            .as(cluster.err()).isZero();
                    assertThat(cluster.slot(slot).masterNode()).isEqualTo("node2");
                    assertThat(cluster.slot(slot).epoch()).isEqualTo(epoch + 1);
                    assertThat(cluster.awaitServes(b, account, Duration.ofSeconds(20))).as(cluster.logs()).isTrue();
                    Thread.sleep(1_000); // node2's first try to reach node1 gives up after the 500 ms ship timeout
                } finally {
                    StoreCluster.signal(a, "CONT");
                }

                // node1 still takes the write, commits it and ships it; node2 refuses a change at the old epoch, so
                // node1 must not acknowledge it, and must say so in bounded time.
                long start = System.nanoTime();
                int code;
                try (MailClients.Smtp lmtp = new MailClients.Smtp(a.port("lmtp"), true)) {
                    code = StoreCluster.lmtp(lmtp, account, StoreCluster.message("stale-lmtp", 2000));
                }
                long lmtpMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                start = System.nanoTime();
                String appendAnswer;
                try {
                    MailClients.Imap.Reply r = imap.append("INBOX", StoreCluster.message("stale-imap", 2000));
                    appendAnswer = r.tagged();
                } catch (IOException closed) {
                    appendAnswer = "connection closed: " + closed.getMessage();
                }
                long imapMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                System.out.printf("stale master: LMTP answered %d after %d ms; IMAP APPEND answered '%s' after %d ms%n",
                        code, lmtpMs, appendAnswer, imapMs);
                assertThat(code).as("LMTP to the stale master").isBetween(400, 499);
                assertThat(appendAnswer).as("IMAP APPEND on the stale master").doesNotStartWith("OK")
                        .containsAnyOf("UNAVAILABLE", "connection closed");
                assertThat(lmtpMs).isLessThan(10_000);
                assertThat(imapMs).isLessThan(10_000);
            }

            StoreCluster.Mailbox onB = StoreCluster.inbox(b, account);
            List<String> present = onB.idsByUid().values().stream().map(StoreCluster::idOf).toList();
            assertThat(present).as("everything acknowledged before the freeze is on node2").containsAll(acked)
                    .as("node2 refused node1's change at the old epoch").doesNotContain("stale-lmtp", "stale-imap");
        }
    }

    private static void sendByLmtp(NodeProcess node, int sender, List<String> accounts, ConcurrentLinkedQueue<Acked> acked) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try (MailClients.Smtp lmtp = new MailClients.Smtp(node.port("lmtp"), true)) {
            for (int n = 0; ; n++) {
                String id = "lmtp-" + sender + "-" + n;
                List<String> rcpts = random.nextInt(3) == 0 ? accounts.subList(0, 2) : List.of(accounts.get(random.nextInt(3)));
                List<Integer> codes = lmtp.send("sender@remote.test", rcpts, StoreCluster.message(id, 1000 + random.nextInt(20_000)));
                for (int i = 0; i < codes.size(); i++) {
                    if (codes.get(i) == 250) {
                        acked.add(new Acked(id, rcpts.get(i), 0, 0));
                    }
                }
            }
        } catch (IOException killed) {
            // the node was killed under us: stop
        }
    }

    private static void appendByImap(NodeProcess node, int appender, String account, ConcurrentLinkedQueue<Acked> acked) {
        try (MailClients.Imap imap = new MailClients.Imap("127.0.0.1", node.port("imap"))) {
            if (!imap.login(account, StoreCluster.PASSWORD).ok()) {
                return;
            }
            for (int n = 0; ; n++) {
                String id = "imap-" + appender + "-" + n;
                MailClients.Imap.Reply r = imap.append("INBOX", StoreCluster.message(id, 1000 + n % 20 * 1000));
                Matcher m = APPENDUID.matcher(r.tagged());
                if (r.ok() && m.find()) {
                    acked.add(new Acked(id, account, Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
                } else if (!r.ok()) {
                    return;
                }
            }
        } catch (IOException killed) {
            // the node was killed under us: stop
        }
    }

    /** What the copy that serves now shows of the acknowledged writes. */
    record Tally(int present, int lost, int duplicates, List<Acked> missing) {
        static Tally of(List<Acked> acked, Map<String, StoreCluster.Mailbox> mailboxes) {
            Map<String, Map<String, Integer>> copies = new HashMap<>();
            int duplicates = 0;
            for (Map.Entry<String, StoreCluster.Mailbox> box : mailboxes.entrySet()) {
                Map<String, Integer> byId = new HashMap<>();
                SortedMap<Long, String> ids = box.getValue().idsByUid();
                for (String id : ids.values()) {
                    if (byId.merge(StoreCluster.idOf(id), 1, Integer::sum) > 1) {
                        duplicates++;
                    }
                }
                copies.put(box.getKey(), byId);
            }
            int present = 0;
            List<Acked> missing = new ArrayList<>();
            for (Acked x : acked) {
                if (copies.getOrDefault(x.account(), Map.of()).containsKey(x.id())) {
                    present++;
                } else {
                    missing.add(x);
                }
            }
            return new Tally(present, missing.size(), duplicates, missing);
        }
    }
}
