package org.mailslot.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Directory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Expunged mail is restorable during the retention period, and purged with its bodies after it. */
class RetentionTest {

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void expungedMessagesAreRestorableThenPurged(@TempDir Path dir) throws Exception {
        try (NodeProcess node = NodeProcess.start(dir, "store:\n  expunge-retention: 3s\n  purge-interval: 1s\n")) {
            try (Directory d = Directory.open(node.nodeConfig().directory())) {
                d.addDomain("keep.test");
                d.addAccount("a@keep.test", "retention-pass".toCharArray(), 0);
            }
            for (String subject : List.of("one", "two")) {
                try (MailClients.Smtp smtp = new MailClients.Smtp(node.port("smtp"), false)) {
                    assertThat(smtp.send("s@remote.test", List.of("a@keep.test"),
                            ("Subject: " + subject + "\r\n\r\nbody " + subject + "\r\n").getBytes())).containsExactly(250);
                }
            }
            Path slots = node.dir().resolve("data/slots");
            assertThat(blobCount(slots)).isEqualTo(2);
            deleteAll(node);
            assertThat(Main.commandLine().execute("admin", "--config", node.config().toString(),
                    "account", "restore", "a@keep.test", "--since", "1h")).isZero();
            try (MailClients.Pop3 pop = new MailClients.Pop3(node.port("pop3"), "a@keep.test", "retention-pass")) {
                assertThat(pop.uidl()).hasSize(2);
            }
            // the running node owns its slot files: admin reaches them through the node's control socket
            assertThat(node.dir().resolve("data/control.sock")).exists();
            assertThat(Main.commandLine().execute("admin", "--config", node.config().toString(), "slot", "verify")).isZero();
            assertThat(Main.commandLine().execute("admin", "--config", node.config().toString(), "account", "show", "a@keep.test")).isZero();
            deleteAll(node);
            await().atMost(Duration.ofSeconds(30)).until(() -> blobCount(slots) == 0);
            try (MailClients.Pop3 pop = new MailClients.Pop3(node.port("pop3"), "a@keep.test", "retention-pass")) {
                assertThat(pop.uidl()).isEmpty();
            }
        }
    }

    private static void deleteAll(NodeProcess node) throws Exception {
        try (MailClients.Pop3 pop = new MailClients.Pop3(node.port("pop3"), "a@keep.test", "retention-pass")) {
            for (String[] entry : pop.uidl()) {
                assertThat(pop.command("DELE " + entry[0])).startsWith("+OK");
            }
        }
    }

    private static long blobCount(Path slots) throws Exception {
        try (Stream<Path> files = Files.walk(slots)) {
            return files.filter(p -> p.getFileName().toString().matches("[0-9a-f]{64}")).count();
        }
    }
}
