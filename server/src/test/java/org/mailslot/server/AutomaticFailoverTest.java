package org.mailslot.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of a master under IMAP APPEND, STORE and EXPUNGE from several clients plus LMTP deliveries, with automatic
 * failover: nobody runs an admin command. Every acknowledged write must be on the new master — appended and delivered
 * messages present once, acknowledged flag changes there, acknowledged expunges gone — and the time from the kill to
 * the first delivery the moved slot accepts is reported.
 */
class AutomaticFailoverTest {
    private static final Pattern APPENDUID = Pattern.compile("\\[APPENDUID (\\d+) (\\d+)]");

    /** What a client was told succeeded, per account. */
    static final class Acks {
        final ConcurrentLinkedQueue<String> present = new ConcurrentLinkedQueue<>(); // ids appended or delivered
        final Map<Long, String> flaggedUids = new ConcurrentHashMap<>();            // uid -> id, \Flagged acknowledged
        final Map<Long, String> expungedUids = new ConcurrentHashMap<>();           // uid -> id, EXPUNGE acknowledged
        /** ids whose expunge was sent: gone without an answer is no loss (the kill may land after its commit). */
        final Set<String> expungeSent = ConcurrentHashMap.newKeySet();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void killedMasterIsReplacedWithoutAnOperatorAndLosesNoAcknowledgedWrite(@TempDir Path dir) throws Exception {
        String keys = "  failover: automatic\n  failover-after: 2s\n";
        try (StoreCluster cluster = StoreCluster.start(dir, 2, 2, keys)) {
            NodeProcess a = cluster.node(1);
            NodeProcess b = cluster.node(2);
            int slot = cluster.slotMasteredBy("node1");
            List<String> accounts = cluster.addAccounts("auto", slot, 3);
            Map<String, Acks> acks = new ConcurrentHashMap<>();
            accounts.forEach(x -> acks.put(x, new Acks()));
            assertThat(cluster.awaitServes(a, accounts.getFirst(), Duration.ofSeconds(20))).isTrue();
            // the manager must have seen both nodes beating before it can find one dead
            Thread.sleep(1500);

            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                String account = accounts.get(c);
                int client = c;
                clients.add(Thread.ofVirtual().start(() -> imapClient(a, client, account, acks.get(account))));
            }
            for (int s = 0; s < 2; s++) {
                int sender = s;
                clients.add(Thread.ofVirtual().start(() -> lmtpSender(a, sender, accounts, acks)));
            }
            StoreCluster.await(Duration.ofSeconds(40), () -> acks.values().stream().mapToInt(x -> x.present.size()).sum() >= 120
                    && acks.values().stream().mapToInt(x -> x.expungedUids.size()).sum() >= 5);
            long killedAt = System.nanoTime();
            a.kill9();
            for (Thread t : clients) {
                t.join(Duration.ofSeconds(30));
            }

            // a delivery loop against the replica's node until the moved slot takes one
            long firstDelivery = -1;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                try (MailClients.Smtp lmtp = new MailClients.Smtp(b.port("lmtp"), true)) {
                    if (StoreCluster.lmtp(lmtp, accounts.getFirst(), StoreCluster.message("probe-after-kill", 500)) == 250) {
                        firstDelivery = System.nanoTime();
                        acks.get(accounts.getFirst()).present.add("probe-after-kill");
                        break;
                    }
                } catch (IOException e) {
                    // node2 busy taking over: try again
                }
                Thread.sleep(50);
            }
            assertThat(firstDelivery).as("the moved slot took a delivery on node2\n" + cluster.logs()).isPositive();
            long failoverMs = (firstDelivery - killedAt) / 1_000_000;

            int appended = 0;
            int lost = 0;
            List<String> missing = new ArrayList<>();
            int duplicates = 0;
            int flagsLost = 0;
            int expungesLost = 0;
            for (String account : accounts) {
                Acks x = acks.get(account);
                SortedMap<Long, String> ids;
                Set<Long> flagged;
                try (MailClients.Imap imap = new MailClients.Imap("127.0.0.1", b.port("imap"))) {
                    assertThat(imap.login(account, StoreCluster.PASSWORD).ok()).isTrue();
                    imap.select("INBOX");
                    ids = imap.messageIds();
                    flagged = flaggedUids(imap.command("UID SEARCH FLAGGED"));
                }
                Map<String, Long> countById = new java.util.HashMap<>();
                ids.values().forEach(v -> countById.merge(StoreCluster.idOf(v), 1L, Long::sum));
                for (String id : x.present) {
                    appended++;
                    boolean expunged = x.expungedUids.containsValue(id) || x.expungeSent.contains(id);
                    long copies = countById.getOrDefault(id, 0L);
                    if (!expunged && copies == 0) {
                        lost++;
                        missing.add(account + " " + id);
                    }
                    duplicates += (int) Math.max(0, copies - 1);
                }
                for (Map.Entry<Long, String> f : x.flaggedUids.entrySet()) {
                    if (!x.expungedUids.containsKey(f.getKey()) && !x.expungeSent.contains(f.getValue())
                            && !flagged.contains(f.getKey())) {
                        flagsLost++;
                    }
                }
                for (Long uid : x.expungedUids.keySet()) {
                    if (ids.containsKey(uid)) {
                        expungesLost++;
                    }
                }
            }
            int flaggedAcks = acks.values().stream().mapToInt(x -> x.flaggedUids.size()).sum();
            int expungeAcks = acks.values().stream().mapToInt(x -> x.expungedUids.size()).sum();
            System.out.printf("automatic failover under load: SIGKILL to first delivery on the new master %d ms"
                            + " (failover-after 2s); acknowledged %d messages, %d flag changes, %d expunges;"
                            + " lost %d, duplicates %d, flag changes lost %d, expunges undone %d%n", failoverMs,
                    appended, flaggedAcks, expungeAcks, lost, duplicates, flagsLost, expungesLost);
            assertThat(lost).as("acknowledged messages missing on node2: " + missing).isZero();
            assertThat(duplicates).isZero();
            assertThat(flagsLost).as("acknowledged \\Flagged missing on node2").isZero();
            assertThat(expungesLost).as("acknowledged expunges undone on node2").isZero();
            try (var d = cluster.directory()) {
                assertThat(d.slot(slot).orElseThrow().masterNode()).isEqualTo("node2");
                assertThat(d.listSlotEvents(slot)).anyMatch(e -> e.kind().equals("failover")
                        && e.detail().contains("automatic"));
            }
        }
    }

    /** APPEND, then STORE +FLAGS (\Flagged) on it, and every third message STORE \Deleted + UID EXPUNGE. */
    private static void imapClient(NodeProcess node, int client, String account, Acks acks) {
        try (MailClients.Imap imap = new MailClients.Imap("127.0.0.1", node.port("imap"))) {
            if (!imap.login(account, StoreCluster.PASSWORD).ok()) {
                return;
            }
            imap.select("INBOX");
            for (int n = 0; ; n++) {
                String id = "imap-" + client + "-" + n;
                MailClients.Imap.Reply r = imap.append("INBOX", StoreCluster.message(id, 800 + n % 10 * 300));
                Matcher m = APPENDUID.matcher(r.tagged());
                if (!r.ok() || !m.find()) {
                    return;
                }
                acks.present.add(id);
                long uid = Long.parseLong(m.group(2));
                if (!imap.command("UID STORE " + uid + " +FLAGS.SILENT (\\Flagged)").ok()) {
                    return;
                }
                acks.flaggedUids.put(uid, id);
                if (n % 3 == 2) {
                    acks.expungeSent.add(id);
                    if (!imap.command("UID STORE " + uid + " +FLAGS.SILENT (\\Deleted)").ok()
                            || !imap.command("UID EXPUNGE " + uid).ok()) {
                        return;
                    }
                    acks.expungedUids.put(uid, id);
                }
            }
        } catch (IOException killed) {
            // the node was killed under us
        }
    }

    private static void lmtpSender(NodeProcess node, int sender, List<String> accounts, Map<String, Acks> acks) {
        try (MailClients.Smtp lmtp = new MailClients.Smtp(node.port("lmtp"), true)) {
            for (int n = 0; ; n++) {
                String account = accounts.get(n % accounts.size());
                String id = "lmtp-" + sender + "-" + n;
                if (StoreCluster.lmtp(lmtp, account, StoreCluster.message(id, 1000 + n % 7 * 1000)) == 250) {
                    acks.get(account).present.add(id);
                }
            }
        } catch (IOException killed) {
            // the node was killed under us
        }
    }

    private static Set<Long> flaggedUids(MailClients.Imap.Reply search) {
        Set<Long> out = new java.util.HashSet<>();
        for (String line : search.untagged()) {
            if (line.startsWith("* SEARCH")) {
                for (String n : line.substring("* SEARCH".length()).trim().split(" ")) {
                    if (!n.isEmpty()) {
                        out.add(Long.parseLong(n));
                    }
                }
            }
        }
        return out;
    }
}
