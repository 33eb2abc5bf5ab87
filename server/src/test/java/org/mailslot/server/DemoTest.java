package org.mailslot.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo contract: `mailslot demo --data DIR` writes DIR/demo.json when ready, stops on SIGTERM, keeps its data. */
class DemoTest {

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void demoWritesItsContractServesMailAndKeepsDataAcrossRestarts(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("demo.json");
        Process first = startDemo(dir);
        JsonNode demo;
        try {
            demo = awaitJson(first, json, dir);
            assertThat(demo.path("version").asInt()).isEqualTo(1);
            assertThat(demo.path("pid").asLong()).isEqualTo(first.pid());
            assertThat(Path.of(demo.path("config").asText())).exists();
            JsonNode services = demo.path("services");
            assertThat(services.path("smtp").path("port").asInt()).isEqualTo(2525);
            assertThat(services.path("submission").path("port").asInt()).isEqualTo(2587);
            assertThat(services.path("lmtp").path("port").asInt()).isEqualTo(2424);
            assertThat(services.path("pop3").path("port").asInt()).isEqualTo(2110);
            assertThat(services.path("pop3s").path("port").asInt()).isEqualTo(2995);
            assertThat(services.path("pop3s").path("tls").asText()).isEqualTo("implicit");
            assertThat(services.path("imap").path("port").asInt()).isEqualTo(2143);
            assertThat(services.path("imaps").path("port").asInt()).isEqualTo(2993);
            assertThat(demo.path("nodes").get(0).path("pid").asLong()).isEqualTo(first.pid());
            List<String> addresses = new ArrayList<>();
            demo.path("accounts").forEach(a -> addresses.add(a.path("address").asText()));
            assertThat(addresses).containsExactly("demo@example.test", "probe@example.test");

            String password = demo.path("accounts").get(0).path("password").asText();
            try (MailClients.Smtp smtp = new MailClients.Smtp(2525, false)) {
                assertThat(smtp.send("x@remote.test", List.of("demo@example.test"),
                        "Subject: kept\r\nMessage-ID: <kept@remote.test>\r\n\r\nhello\r\n".getBytes())).containsExactly(250);
            }
            try (MailClients.Pop3 pop = new MailClients.Pop3(2110, "demo@example.test", password)) {
                assertThat(pop.uidl()).hasSize(1);
            }
        } finally {
            first.destroy(); // SIGTERM
        }
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(first.exitValue()).as("exit code after SIGTERM").isZero();
        assertThat(json).as("demo.json is removed when the demo stops").doesNotExist();

        Process second = startDemo(dir);
        try {
            JsonNode again = awaitJson(second, json, dir);
            assertThat(again.path("pid").asLong()).isEqualTo(second.pid());
            assertThat(again.path("accounts")).isEqualTo(demo.path("accounts"));
            String password = again.path("accounts").get(0).path("password").asText();
            try (MailClients.Pop3 pop = new MailClients.Pop3(2110, "demo@example.test", password)) {
                assertThat(new String(pop.retr(1))).contains("Message-ID: <kept@remote.test>");
            }
        } finally {
            second.destroy();
            second.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static Process startDemo(Path dir) throws Exception {
        return new ProcessBuilder(NodeProcess.javaBin(), "--enable-native-access=ALL-UNNAMED", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "demo", "--data", dir.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("demo.log").toFile()))
                .start();
    }

    private static JsonNode awaitJson(Process p, Path json, Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!Files.exists(json)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("demo did not become ready; log:\n" + Files.readString(dir.resolve("demo.log")));
            }
            Thread.sleep(50);
        }
        return new ObjectMapper().readTree(json.toFile());
    }
}
