package org.mailslot.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Directory;
import org.mailslot.directory.NodeRole;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** `mailslot admin vip`: add, list with holder and since when, remove; exit codes for scripts. */
class VipAdminTest {
    @TempDir
    Path dir;
    private Path config;
    private String out;
    private String err;

    @BeforeEach
    void writeConfig() throws Exception {
        config = dir.resolve("mailslot.yaml");
        Files.writeString(config, "node:\n  data-dir: data\n");
    }

    private int admin(String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "admin";
        full[1] = "--config";
        full[2] = config.toString();
        System.arraycopy(args, 0, full, 3, args.length);
        PrintStream oldOut = System.out;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        java.io.StringWriter e = new java.io.StringWriter();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            picocli.CommandLine cl = Main.commandLine();
            cl.setErr(new java.io.PrintWriter(e, true));
            return cl.execute(full);
        } finally {
            System.setOut(oldOut);
            out = o.toString(StandardCharsets.UTF_8);
            err = e.toString();
        }
    }

    @Test
    void addListRemove() throws Exception {
        assertThat(admin("vip", "add", "192.0.2.10")).isZero();
        assertThat(out).contains("VIP 192.0.2.10 added");
        assertThat(admin("vip", "add", "2001:DB8::0:10", "--interface", "eth1")).isZero();
        assertThat(out).contains("VIP 2001:db8::10 added (on eth1)");
        assertThat(admin("vip", "add", "192.0.2.10")).isEqualTo(ExitCode.EXISTS);
        assertThat(err).contains("VIP 192.0.2.10 already exists");
        assertThat(admin("vip", "add", "imap.example.com")).isEqualTo(ExitCode.INVALID);
        assertThat(err).contains("must be an IPv4 or IPv6 address");

        try (Directory d = Directory.open(NodeConfig.load(config).directory())) {
            d.addNode("front1", "10.0.1.1", Set.of(NodeRole.FRONT));
            d.assignVip("192.0.2.10", null, "front1");
            d.vipHeartbeat("front1", Instant.now());
        }
        assertThat(admin("vip", "list")).isZero();
        assertThat(out.lines().toList()).hasSize(3);
        assertThat(out.lines().toList().getFirst()).startsWith("VIP").contains("OWNER").contains("SINCE")
                .contains("OWNER HEARTBEAT");
        assertThat(out).containsPattern("192\\.0\\.2\\.10 +- +front1 +20\\d\\d-.*Z \\(\\d+ms ago\\) +\\d+ms ago +-")
                .containsPattern("2001:db8::10 +eth1 +- +- +- +-");

        assertThat(admin("vip", "list", "--json")).isZero();
        JsonNode rows = new ObjectMapper().readTree(out);
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get("address").asText()).isEqualTo("192.0.2.10");
        assertThat(rows.get(0).get("owner").asText()).isEqualTo("front1");
        assertThat(rows.get(0).get("ownerSince").asText()).endsWith("Z");
        assertThat(rows.get(0).get("ownerHeartbeatAgeMs").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(rows.get(1).get("owner").isNull()).isTrue();

        assertThat(admin("vip", "remove", "2001:db8::10")).isZero();
        assertThat(out).contains("VIP 2001:db8::10 removed");
        assertThat(admin("vip", "remove", "2001:db8::10")).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(admin("vip", "--help")).isZero();
        assertThat(out).contains("add", "remove", "list");
    }
}
