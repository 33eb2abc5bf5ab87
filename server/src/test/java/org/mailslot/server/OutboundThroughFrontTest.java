package org.mailslot.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.core.testing.SmtpSink;
import org.mailslot.directory.Directory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Submission through a front into the sender's slot's outbound queue, delivered by the store nodes' queue runners:
 * to a remote server (Postfix's smtp-sink as the smarthost), DKIM-signed, and to a hosted account on another node;
 * one delivery status report for a permanent refusal; and a message deferred on a master that is then killed is
 * delivered by the new master.
 */
class OutboundThroughFrontTest {
    @TempDir
    Path dir;

    @Test
    void submittedMailLeavesThroughTheQueueAndSurvivesAFailover() throws Exception {
        int sinkPort = ThreadLocalRandom.current().nextInt(40_000, 45_000);
        String keys = """
                  role-refresh: 200ms
                  reconnect: 200ms
                outbound:
                  smarthost: 127.0.0.1:%d
                  smarthost-tls: none
                queue:
                  scan-interval: 200ms
                  backoff-initial: 1s
                  backoff-max: 2s
                """.formatted(sinkPort);
        try (StoreCluster cluster = StoreCluster.start(dir, 3, 1, n -> keys, true)) {
            int slot = cluster.slotMasteredBy("node1");
            String alice = cluster.addAccounts("alice", slot, 1).getFirst();
            String bob = cluster.addAccounts("bob", cluster.slotMasteredBy("node2"), 1).getFirst();
            try (Directory d = cluster.directory()) {
                d.generateDkimKey(StoreCluster.DOMAIN, "s1", 2048);
            }
            NodeProcess front = NodeProcess.configure(dir.resolve("front1"), "front1", "front", NodeProcess.FREE_PORTS,
                    cluster.frontKeys(cluster.spareAddress(1)));
            front.launch(List.of());
            try (front) {
                // 1. a remote and a hosted recipient
                try (SmtpSink sink = new SmtpSink("127.0.0.1", sinkPort, "sink.test", dir.resolve("sink1"))) {
                    String out = submit(front, alice, "friend@remote.example," + bob, "first", "first-id");
                    assertThat(out).contains("250 2.0.0 Ok: queued as " + slot + ".");
                    assertThat(StoreCluster.await(Duration.ofSeconds(30), () -> count(sink, "first-id") == 1)).isTrue();
                    assertThat(sink.messages().getFirst()).contains("DKIM-Signature: ", "d=" + StoreCluster.DOMAIN, "s=s1");
                    assertThat(StoreCluster.await(Duration.ofSeconds(30), () -> has(subjects(front, bob, "INBOX"), "Subject: first")))
                            .isTrue();
                    assertThat(has(subjects(front, alice, "Sent"), "Subject: first")).isTrue();
                }
                // 2. a permanent refusal: one report in alice's INBOX, naming the recipient and the server's answer
                try (SmtpSink sink = new SmtpSink("127.0.0.1", sinkPort, "sink.test", dir.resolve("sink2"), "-f", "RCPT")) {
                    submit(front, alice, "gone@remote.example", "second", "second-id");
                    assertThat(StoreCluster.await(Duration.ofSeconds(30),
                            () -> has(subjects(front, alice, "INBOX"), "Undelivered Mail Returned to Sender"))).isTrue();
                    String report = body(front, alice, 1);
                    assertThat(report).contains("multipart/report", "report-type=delivery-status",
                            "Final-Recipient: rfc822; gone@remote.example", "Action: failed", "Status: 5.");
                }
                // 3. deferred (4xx), then node1 dies with the message in the queue; the new master delivers it
                SmtpSink refusing = new SmtpSink("127.0.0.1", sinkPort, "sink.test", dir.resolve("sink3"), "-r", "RCPT");
                submit(front, alice, "later@remote.example", "third", "third-id");
                Thread.sleep(1500); // at least one attempt meets the 4xx
                // the operator's view of node1's queue: the message waits for later@, with the remote server's answer
                assertThat(StoreCluster.await(Duration.ofSeconds(10), () -> cluster.admin("queue", "list") == 0
                        && cluster.out().contains("later@remote.example") && cluster.out().contains(" 4"))).as(cluster.out()).isTrue();
                assertThat(cluster.admin("queue", "list", "--json")).isZero();
                assertThat(cluster.out()).contains("\"address\" : \"later@remote.example\"", "\"state\" : \"PENDING\"");
                assertThat(cluster.admin("queue", "flush")).isZero();
                assertThat(cluster.out()).contains("1 recipient(s) due now");
                cluster.node(1).kill9();
                refusing.close();
                assertThat(cluster.admin("slot", "failover", Integer.toString(slot), "--reason", "test: node1 killed"))
                        .as(cluster.err()).isZero();
                try (SmtpSink sink = new SmtpSink("127.0.0.1", sinkPort, "sink.test", dir.resolve("sink4"))) {
                    assertThat(StoreCluster.await(Duration.ofSeconds(60), () -> count(sink, "third-id") >= 1))
                            .as("the new master's runner delivers the deferred message").isTrue();
                    Thread.sleep(3000); // a second delivery would come within the backoff
                    assertThat(count(sink, "third-id")).as("delivered once (at-least-once window: an accepted attempt"
                            + " whose record died with the master)").isEqualTo(1);
                }
                // 4. the operator deletes a message that cannot leave (nothing listens at the smarthost now)
                submit(front, alice, "never@remote.example", "fourth", "fourth-id");
                Path node2 = cluster.node(2).config();
                assertThat(StoreCluster.await(Duration.ofSeconds(20), () -> StoreCluster.admin(node2, "queue", "list")
                        .out().contains("never@remote.example"))).isTrue();
                String listed = StoreCluster.admin(node2, "queue", "list").out();
                String id = listed.lines().filter(l -> l.contains("never@remote.example")).findFirst().orElseThrow()
                        .split("\\s+")[0];
                StoreCluster.Admin deleted = StoreCluster.admin(node2, "queue", "delete", id);
                assertThat(deleted.code()).as(deleted.err()).isZero();
                assertThat(StoreCluster.admin(node2, "queue", "list").out()).doesNotContain("never@remote.example");
                assertThat(StoreCluster.admin(node2, "queue", "delete", id).code()).isEqualTo(3); // not found
            }
        }
    }

    private static String submit(NodeProcess front, String from, String to, String subject, String id) throws Exception {
        Process p = new ProcessBuilder("swaks", "--server", "127.0.0.1", "--port", String.valueOf(front.port("submission")),
                "--tls", "--auth", "PLAIN", "--auth-user", from, "--auth-password", StoreCluster.PASSWORD,
                "--from", from, "--to", to, "--header", "Subject: " + subject, "--header", "Message-ID: <" + id + "@cluster.test>",
                "--header", "From: " + from).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out).as(out).contains("250 2.0.0 Ok: queued as");
        return out;
    }

    private static boolean has(List<String> responses, String text) {
        return responses.stream().anyMatch(r -> r.contains(text));
    }

    private static long count(SmtpSink sink, String id) {
        try {
            return sink.messages().stream().filter(m -> m.contains("<" + id + "@cluster.test>")).count();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static List<String> subjects(NodeProcess front, String account, String mailbox) {
        try (MailClients.Imap imap = new MailClients.Imap("127.0.0.1", front.port("imap"))) {
            imap.login(account, StoreCluster.PASSWORD);
            imap.select(mailbox);
            return imap.command("FETCH 1:* BODY.PEEK[HEADER.FIELDS (SUBJECT)]").untagged();
        } catch (Exception e) {
            return List.of();
        }
    }

    private static String body(NodeProcess front, String account, int seq) throws Exception {
        try (MailClients.Imap imap = new MailClients.Imap("127.0.0.1", front.port("imap"))) {
            imap.login(account, StoreCluster.PASSWORD);
            imap.select("INBOX");
            return String.join("\n", imap.command("FETCH " + seq + " BODY.PEEK[]").untagged());
        }
    }
}
