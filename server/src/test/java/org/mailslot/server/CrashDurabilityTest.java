package org.mailslot.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Directory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariant 1 on one node: several SMTP and LMTP senders deliver concurrently, the node is killed with SIGKILL
 * mid-stream and started again; every message that got its 250 must be there, byte for byte, exactly once,
 * and the UIDLs of mail delivered before the crash must not change.
 */
class CrashDurabilityTest {
    private static final String DOMAIN = "crash.test";
    private static final List<String> ACCOUNTS = List.of("a@" + DOMAIN, "b@" + DOMAIN, "c@" + DOMAIN, "d@" + DOMAIN);
    private static final String PASSWORD = "crash-test-password";
    private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^Message-ID: <([^>]+)>");

    record Acked(String id, String recipient, byte[] bytes) {}

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void everyAcknowledgedMessageSurvivesSigkillMidStream(@TempDir Path dir) throws Exception {
        try (NodeProcess node = NodeProcess.start(dir.resolve("node"), "")) {
            try (Directory d = Directory.open(node.nodeConfig().directory())) {
                d.addDomain(DOMAIN);
                for (String a : ACCOUNTS) {
                    d.addAccount(a, PASSWORD.toCharArray(), 0);
                }
            }

            // Before the crash: mail whose UIDLs must survive it.
            Map<String, String> uidlsBefore = new HashMap<>();
            try (MailClients.Smtp smtp = new MailClients.Smtp(node.port("smtp"), false)) {
                for (int i = 0; i < 5; i++) {
                    assertThat(smtp.send("s@remote.test", List.of(ACCOUNTS.getFirst()), message("before-" + i, 3000, new Random(i))))
                            .containsExactly(250);
                }
            }
            uidlsBefore.putAll(uidlsById(node, ACCOUNTS.getFirst()));
            assertThat(uidlsBefore).hasSize(5);

            ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
            AtomicInteger attempted = new AtomicInteger();
            List<Thread> senders = new ArrayList<>();
            for (int s = 0; s < 6; s++) {
                int sender = s;
                boolean lmtp = s % 2 == 1;
                int port = node.port(lmtp ? "lmtp" : "smtp");
                senders.add(Thread.ofVirtual().start(() -> send(sender, lmtp, port, acked, attempted)));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (acked.size() < 200 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            node.kill9();
            for (Thread t : senders) {
                t.join(TimeUnit.SECONDS.toMillis(60));
            }
            int ackedAtKill = acked.size();

            node.launch(List.of());
            Map<String, Map<String, List<byte[]>>> stored = new HashMap<>();
            for (String account : ACCOUNTS) {
                stored.put(account, retrieveAll(node, account));
            }
            int lost = 0;
            int corrupted = 0;
            for (Acked a : acked) {
                List<byte[]> copies = stored.get(a.recipient()).getOrDefault(a.id(), List.of());
                if (copies.isEmpty()) {
                    lost++;
                } else if (!endsWith(copies.getFirst(), a.bytes())) {
                    corrupted++;
                }
            }
            int duplicates = 0;
            for (Map<String, List<byte[]>> box : stored.values()) {
                for (List<byte[]> copies : box.values()) {
                    duplicates += copies.size() - 1;
                }
            }
            Map<String, String> uidlsAfter = uidlsById(node, ACCOUNTS.getFirst());
            System.out.printf("crash test: %d messages sent, %d recipient deliveries acknowledged before SIGKILL; lost %d, corrupted %d, duplicated %d%n",
                    attempted.get(), ackedAtKill, lost, corrupted, duplicates);

            assertThat(ackedAtKill).as("deliveries acknowledged before the kill").isGreaterThanOrEqualTo(50);
            assertThat(lost).as("acknowledged but lost").isZero();
            assertThat(corrupted).as("acknowledged but not byte-identical").isZero();
            assertThat(duplicates).as("duplicates").isZero();
            assertThat(uidlsAfter).containsAllEntriesOf(uidlsBefore);

            assertThat(node.stop()).as("clean exit on SIGTERM").isZero();
            int verify = Main.commandLine().execute("admin", "--config", node.config().toString(), "slot", "verify");
            assertThat(verify).as("slot verify after the crash").isZero();
        }
    }

    private static void send(int sender, boolean lmtp, int port, ConcurrentLinkedQueue<Acked> acked, AtomicInteger attempted) {
        Random random = new Random(sender);
        try (MailClients.Smtp client = new MailClients.Smtp(port, lmtp)) {
            for (int n = 0; n < 100_000; n++) {
                String id = "m-" + sender + "-" + n;
                List<String> rcpts = random.nextInt(4) == 0
                        ? List.of(ACCOUNTS.get(random.nextInt(2)), ACCOUNTS.get(2 + random.nextInt(2)))
                        : List.of(ACCOUNTS.get(random.nextInt(ACCOUNTS.size())));
                byte[] bytes = message(id, 2000 + random.nextInt(60_000), random);
                attempted.incrementAndGet();
                List<Integer> codes = client.send("sender" + sender + "@remote.test", rcpts, bytes);
                if (lmtp) {
                    for (int i = 0; i < codes.size(); i++) {
                        if (codes.get(i) == 250) {
                            acked.add(new Acked(id, rcpts.get(i), bytes));
                        }
                    }
                } else if (codes.equals(List.of(250))) {
                    rcpts.forEach(r -> acked.add(new Acked(id, r, bytes)));
                }
            }
        } catch (IOException expected) {
            // the node was killed under us: stop sending
        }
    }

    /** A message with CRLF lines, some starting with dots, padded with text to about {@code size} bytes. */
    static byte[] message(String id, int size, Random random) {
        StringBuilder sb = new StringBuilder();
        sb.append("From: sender@remote.test\r\nTo: someone@").append(DOMAIN).append("\r\n");
        sb.append("Subject: crash test ").append(id).append("\r\n");
        sb.append("Message-ID: <").append(id).append("@remote.test>\r\n\r\n");
        while (sb.length() < size) {
            sb.append(random.nextInt(10) == 0 ? ".dotted line " : "line ").append(random.nextLong()).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, List<byte[]>> retrieveAll(NodeProcess node, String account) throws IOException {
        Map<String, List<byte[]>> byId = new HashMap<>();
        try (MailClients.Pop3 pop = new MailClients.Pop3(node.port("pop3"), account, PASSWORD)) {
            for (String[] entry : pop.uidl()) {
                byte[] body = pop.retr(Integer.parseInt(entry[0]));
                String id = messageId(body);
                byId.computeIfAbsent(id, k -> new ArrayList<>()).add(body);
            }
        }
        return byId;
    }

    private static Map<String, String> uidlsById(NodeProcess node, String account) throws IOException {
        Map<String, String> out = new HashMap<>();
        try (MailClients.Pop3 pop = new MailClients.Pop3(node.port("pop3"), account, PASSWORD)) {
            for (String[] entry : pop.uidl()) {
                out.put(messageId(pop.retr(Integer.parseInt(entry[0]))), entry[1]);
            }
        }
        return out;
    }

    private static String messageId(byte[] body) {
        Matcher m = MESSAGE_ID.matcher(new String(body, StandardCharsets.ISO_8859_1));
        return m.find() ? m.group(1).replace("@remote.test", "") : "(none)";
    }

    private static boolean endsWith(byte[] stored, byte[] sent) {
        return stored.length >= sent.length
                && Arrays.equals(stored, stored.length - sent.length, stored.length, sent, 0, sent.length);
    }
}
