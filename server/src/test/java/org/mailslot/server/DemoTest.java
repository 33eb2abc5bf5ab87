package org.mailslot.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Directory;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo contract: `mailslot demo --data DIR` runs three store nodes as processes of their own, writes DIR/demo.json
 * when they are ready, stops them all on SIGTERM, and keeps its data across runs.
 */
class DemoTest {

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void demoRunsThreeNodesWritesItsContractServesMailAndKeepsDataAcrossRestarts(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("demo.json");
        Process first = startDemo(dir);
        JsonNode demo;
        List<Long> nodePids = new ArrayList<>();
        try {
            demo = awaitJson(first, json, dir);
            assertThat(demo.path("version").asInt()).isEqualTo(1);
            Path config = Path.of(demo.path("config").asText());
            assertThat(config).isEqualTo(dir.resolve("node1").resolve("mailslot.yaml"));
            JsonNode services = demo.path("services");
            // clients are pointed at the first VIP, which a front holds; the store nodes' internal services stay node1's
            assertThat(services.path("smtp").path("host").asText()).isEqualTo("127.0.0.21");
            assertThat(services.path("imaps").path("host").asText()).isEqualTo("127.0.0.21");
            assertThat(services.path("lmtp").path("host").asText()).isEqualTo("127.0.0.11");
            assertThat(services.path("smtp").path("port").asInt()).isEqualTo(2525);
            assertThat(services.path("submission").path("port").asInt()).isEqualTo(2587);
            assertThat(services.path("lmtp").path("port").asInt()).isEqualTo(2424);
            assertThat(services.path("pop3").path("port").asInt()).isEqualTo(2110);
            assertThat(services.path("pop3s").path("port").asInt()).isEqualTo(2995);
            assertThat(services.path("pop3s").path("tls").asText()).isEqualTo("implicit");
            assertThat(services.path("imap").path("port").asInt()).isEqualTo(2143);
            assertThat(services.path("imaps").path("port").asInt()).isEqualTo(2993);
            // the certificate clients of those services see: the fronts' one; each node's own is in its entry
            assertThat(Path.of(demo.path("tls").path("certificate").asText())).exists()
                    .isEqualTo(dir.resolve("front-tls").resolve("cert.pem"));
            List<String> addresses = new ArrayList<>();
            demo.path("accounts").forEach(a -> addresses.add(a.path("address").asText()));
            assertThat(addresses).containsExactly("demo@example.test", "probe@example.test");
            assertThat(Files.getPosixFilePermissions(dir.resolve("cluster-secret")))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));

            // three store nodes and two fronts, none of them the demo's own process, each on its own address
            JsonNode nodes = demo.path("nodes");
            assertThat(nodes).hasSize(5);
            for (int i = 0; i < 3; i++) {
                JsonNode node = nodes.get(i);
                String address = "127.0.0.1" + (i + 1);
                assertThat(node.path("name").asText()).isEqualTo("node" + (i + 1));
                assertThat(node.path("address").asText()).isEqualTo(address);
                assertThat(node.path("roles").asText()).isEqualTo("store");
                assertThat(node.path("masters")).hasSize(4);
                long pid = node.path("pid").asLong();
                assertThat(pid).isNotEqualTo(first.pid());
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("node%d's process", i + 1).contains(true);
                nodePids.add(pid);
                for (String service : List.of("smtp", "lmtp", "pop3", "imap", "replication")) {
                    JsonNode endpoint = node.path("services").path(service);
                    assertThat(endpoint.path("host").asText()).isEqualTo(address);
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(address, endpoint.path("port").asInt()), 5_000);
                    }
                }
                assertThat(node.path("services").path("replication").path("port").asInt()).isEqualTo(2401);
                assertThat(Path.of(node.path("tls").path("certificate").asText())).exists();
            }
            assertThat(nodePids).doesNotHaveDuplicates();
            assertThat(demo.path("pid").asLong()).isEqualTo(nodePids.getFirst());
            assertThat(demo.path("services").path("lmtp")).isEqualTo(nodes.get(0).path("services").path("lmtp"));
            for (int i = 3; i < 5; i++) {
                JsonNode front = nodes.get(i);
                String address = "127.0.0.3" + (i - 2);
                assertThat(front.path("name").asText()).isEqualTo("front" + (i - 2));
                assertThat(front.path("roles").asText()).isEqualTo("front");
                assertThat(front.path("address").asText()).isEqualTo(address);
                assertThat(ProcessHandle.of(front.path("pid").asLong()).map(ProcessHandle::isAlive)).contains(true);
                assertThat(front.path("services").path("imap").path("host").asText()).isEqualTo(address);
                nodePids.add(front.path("pid").asLong());
            }
            assertThat(demo.path("dns").path("port").asInt()).isEqualTo(5353);
            assertThat(demo.path("serviceNames").path("imap").asText()).isEqualTo("imap.example.test");
            Process dig = new ProcessBuilder("dig", "@127.0.0.1", "-p", "5353", "imap.example.test", "A", "+short")
                    .redirectErrorStream(true).start();
            assertThat(dig.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(dig.getInputStream().readAllBytes()).lines().sorted().toList())
                    .containsExactly("127.0.0.21", "127.0.0.22");
            List<String> vipOwners = new ArrayList<>();
            demo.path("vips").forEach(v -> vipOwners.add(v.path("address").asText() + "=" + v.path("owner").asText()));
            assertThat(vipOwners).hasSize(2).allMatch(v -> v.matches("127\\.0\\.0\\.2[12]=front[12]"));

            StoreCluster.Admin status = StoreCluster.admin(config, "cluster", "status", "--json");
            assertThat(status.code()).as(status.err()).isZero();
            JsonNode spread = new ObjectMapper().readTree(status.out());
            assertThat(spread.path("even").asBoolean()).isTrue();
            assertThat(spread.path("slots").asInt()).isEqualTo(12);
            try (Directory d = Directory.open(NodeConfig.load(config).directory())) {
                for (String account : addresses) {
                    int slot = d.findAccount(account).orElseThrow().slotId();
                    assertThat(d.slot(slot).orElseThrow().masterNode()).as("master of %s's slot", account).isEqualTo("node1");
                }
                assertThat(d.listSlots()).as("every replica in sync").allMatch(s -> s.inSync());
            }

            String password = demo.path("accounts").get(0).path("password").asText();
            // through the fronts: mail in at one VIP, read at the other
            try (MailClients.Smtp smtp = new MailClients.Smtp("127.0.0.21", 2525, false)) {
                assertThat(smtp.send("x@remote.test", List.of("demo@example.test"),
                        "Subject: via a front\r\nMessage-ID: <front@remote.test>\r\n\r\nhello\r\n".getBytes())).containsExactly(250);
            }
            try (MailClients.Imap imap = new MailClients.Imap("127.0.0.22", 2143)) {
                assertThat(imap.login("demo@example.test", password).ok()).isTrue();
                assertThat(imap.select("INBOX")).isPositive();
                assertThat(imap.messageIds().values()).containsExactly("front@remote.test");
                assertThat(imap.command("UID STORE 1 +FLAGS (\\Deleted)").ok()).isTrue();
                assertThat(imap.command("EXPUNGE").ok()).isTrue();
            }
            // and straight at the store node that masters the slot
            try (MailClients.Smtp smtp = new MailClients.Smtp("127.0.0.11", 2525, false)) {
                assertThat(smtp.send("x@remote.test", List.of("demo@example.test"),
                        "Subject: kept\r\nMessage-ID: <kept@remote.test>\r\n\r\nhello\r\n".getBytes())).containsExactly(250);
            }
            try (MailClients.Pop3 pop = new MailClients.Pop3("127.0.0.11", 2110, "demo@example.test", password)) {
                assertThat(pop.uidl()).hasSize(1);
            }
            try (MailClients.Imap imap = new MailClients.Imap("127.0.0.11", 2143)) {
                assertThat(imap.login("demo@example.test", password).ok()).isTrue();
                assertThat(imap.select("INBOX")).isPositive();
                assertThat(imap.messageIds().values()).containsExactly("kept@remote.test");
            }
            // node2 holds no master copy of demo@'s slot: it sends the client away
            try (MailClients.Imap imap = new MailClients.Imap("127.0.0.12", 2143)) {
                MailClients.Imap.Reply login = imap.login("demo@example.test", password);
                MailClients.Imap.Reply select = login.ok() ? imap.command("SELECT INBOX") : login;
                assertThat(select.ok()).isFalse();
                assertThat(select.tagged()).contains("UNAVAILABLE");
            }
        } finally {
            first.destroy(); // SIGTERM
        }
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(first.exitValue()).as("exit code after SIGTERM").isZero();
        assertThat(json).as("demo.json is removed when the demo stops").doesNotExist();
        for (long pid : nodePids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("node pid %d after the demo stopped", pid)
                    .isIn(Optional.empty(), Optional.of(false));
        }

        Process second = startDemo(dir);
        try {
            JsonNode again = awaitJson(second, json, dir);
            assertThat(again.path("pid").asLong()).isNotIn(nodePids);
            assertThat(again.path("accounts")).isEqualTo(demo.path("accounts"));
            String password = again.path("accounts").get(0).path("password").asText();
            try (MailClients.Pop3 pop = new MailClients.Pop3("127.0.0.21", 2110, "demo@example.test", password)) {
                assertThat(new String(pop.retr(1))).contains("Message-ID: <kept@remote.test>");
            }
        } finally {
            second.destroy();
            second.waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void refusesTheDataOfTheOneNodeDemo(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("mailslot.yaml"), "node:\n  name: node1\n");
        Process old = startDemo(dir);
        assertThat(old.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(old.exitValue()).isEqualTo(ExitCode.CONFIG);
        assertThat(Files.readString(dir.resolve("demo.log"))).contains("one-node demo of an earlier version");
    }

    private static Process startDemo(Path dir) throws Exception {
        return new ProcessBuilder(NodeProcess.javaBin(), "--enable-native-access=ALL-UNNAMED", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "demo", "--data", dir.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("demo.log").toFile()))
                .start();
    }

    private static JsonNode awaitJson(Process p, Path json, Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        while (!Files.exists(json)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("demo did not become ready; log:\n" + Files.readString(dir.resolve("demo.log"))
                        + nodeLogs(dir));
            }
            Thread.sleep(50);
        }
        return new ObjectMapper().readTree(json.toFile());
    }

    private static String nodeLogs(Path dir) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String node : List.of("node1", "node2", "node3")) {
            Path log = dir.resolve(node).resolve("node.log");
            if (Files.exists(log)) {
                sb.append("\n---- ").append(node).append(" log\n").append(Files.readString(log));
            }
        }
        return sb.toString();
    }
}
