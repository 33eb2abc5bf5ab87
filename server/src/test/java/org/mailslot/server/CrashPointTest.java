package org.mailslot.server;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Directory;
import org.mailslot.store.FaultInjectingSlotStore;
import org.mailslot.store.FaultInjectingSlotStore.FaultPoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node process is halted (no hooks, no replies) at a point inside a delivery: after the body is on disk but
 * before its row exists, just before the commit, and just after it. Before the commit nothing may become
 * visible and verify stays clean; after it, the message is there exactly once even though the sender never got
 * its 250 (at-least-once: the sender retries).
 */
class CrashPointTest {
    private static final String PASSWORD = "crash-point-password";

    @ParameterizedTest
    @EnumSource(FaultPoint.class)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void haltInsideADelivery(FaultPoint point, @TempDir Path dir) throws Exception {
        try (NodeProcess node = NodeProcess.start(dir, "")) {
            try (Directory d = Directory.open(node.nodeConfig().directory())) {
                d.addDomain("crash.test");
                d.addAccount("a@crash.test", PASSWORD.toCharArray(), 0);
            }
            try (MailClients.Smtp smtp = new MailClients.Smtp(node.port("smtp"), false)) {
                assertThat(smtp.send("s@remote.test", List.of("a@crash.test"), message("before"))).containsExactly(250);
            }
            assertThat(node.stop()).isZero();

            node.launch(List.of("MAILSLOT_TEST_CRASH_AT=" + point.name().toLowerCase().replace('_', '-')));
            List<Integer> codes = new ArrayList<>();
            try (MailClients.Smtp smtp = new MailClients.Smtp(node.port("smtp"), false)) {
                codes.addAll(smtp.send("s@remote.test", List.of("a@crash.test"), message("during")));
            } catch (IOException expected) {
                // the node halted mid-transaction: no reply
            }
            assertThat(codes).as("no 250 for the message the node died on").doesNotContain(250);
            assertThat(node.awaitExit(Duration.ofSeconds(30))).isEqualTo(FaultInjectingSlotStore.CRASH_EXIT_STATUS);

            node.launch(List.of());
            List<String> subjects = new ArrayList<>();
            try (MailClients.Pop3 pop = new MailClients.Pop3(node.port("pop3"), "a@crash.test", PASSWORD)) {
                for (String[] entry : pop.uidl()) {
                    String text = new String(pop.retr(Integer.parseInt(entry[0])), StandardCharsets.UTF_8);
                    subjects.add(text.lines().filter(l -> l.startsWith("Subject: ")).findFirst().orElse("?"));
                }
            }
            if (point == FaultPoint.AFTER_COMMIT) {
                assertThat(subjects).containsExactly("Subject: before", "Subject: during");
            } else {
                assertThat(subjects).containsExactly("Subject: before");
            }
            assertThat(node.stop()).isZero();
            assertThat(Main.commandLine().execute("admin", "--config", node.config().toString(), "slot", "verify"))
                    .as("slot verify after a halt at " + point).isZero();
        }
    }

    private static byte[] message(String subject) {
        return ("From: s@remote.test\r\nSubject: " + subject + "\r\nMessage-ID: <" + subject + "@remote.test>\r\n\r\n"
                + "body of " + subject + "\r\n").getBytes(StandardCharsets.UTF_8);
    }
}
