package org.mailslot.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Account;
import org.mailslot.directory.Directory;
import org.mailslot.store.DeliveryOutcome;
import org.mailslot.store.DeliveryTarget;
import org.mailslot.store.MessageContent;
import org.mailslot.store.SlotStore;
import org.mailslot.store.SlotStores;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** `mailslot admin`: what scripts rely on — exit codes, JSON listings, clear errors. */
class AdminCliTest {
    @TempDir
    Path dir;
    private Path config;
    private String out;
    private String err;

    @BeforeEach
    void writeConfig() throws Exception {
        config = dir.resolve("mailslot.yaml");
        Files.writeString(config, "node:\n  data-dir: data\n  slots: 3\n");
    }

    private int adminWithInput(String stdin, String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "admin";
        full[1] = "--config";
        full[2] = config.toString();
        System.arraycopy(args, 0, full, 3, args.length);
        PrintStream oldOut = System.out;
        InputStream oldIn = System.in;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        java.io.StringWriter e = new java.io.StringWriter();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream((stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8)));
            picocli.CommandLine cl = Main.commandLine();
            cl.setErr(new java.io.PrintWriter(e, true));
            return cl.execute(full);
        } finally {
            System.setOut(oldOut);
            System.setIn(oldIn);
            out = o.toString(StandardCharsets.UTF_8);
            err = e.toString();
        }
    }

    private int admin(String... args) {
        return adminWithInput(null, args);
    }

    private void initSlots() {
        try (Directory d = Directory.open(NodeConfig.load(config).directory())) {
            d.registerNode("node1", "localhost");
            d.ensureSlots("node1", 3);
        }
    }

    @Test
    void domainsAccountsAliasesWithExitCodesAndJson() throws Exception {
        initSlots();
        assertThat(admin("domain", "add", "Example.ORG")).isZero();
        assertThat(out).contains("domain example.org added");
        assertThat(admin("domain", "add", "example.org")).isEqualTo(ExitCode.EXISTS);
        assertThat(err).contains("example.org");
        assertThat(admin("domain", "add", "bad..domain")).isEqualTo(ExitCode.INVALID);

        assertThat(adminWithInput("s3cret-pass\n", "account", "add", "alice@example.org", "--password-stdin", "--quota", "1G")).isZero();
        assertThat(admin("account", "add", "alice@example.org")).isEqualTo(ExitCode.EXISTS);
        assertThat(admin("account", "add", "bob@unknown.org")).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(err).contains("unknown.org");
        assertThat(admin("account", "add", "not an address")).isEqualTo(ExitCode.INVALID);
        assertThat(admin("account", "add", "bob@example.org")).isZero();
        assertThat(out).containsPattern("password: [A-Za-z0-9]{20}");
        assertThat(admin("account", "add", "carol@example.org", "--quota", "lots")).isEqualTo(ExitCode.USAGE);

        assertThat(admin("account", "list", "--json")).isZero();
        JsonNode list = new ObjectMapper().readTree(out);
        assertThat(list).hasSize(2);
        assertThat(list.get(0).path("address").asText()).isEqualTo("alice@example.org");
        assertThat(list.get(0).path("quotaBytes").asLong()).isEqualTo(1L << 30);

        assertThat(admin("account", "show", "alice@example.org", "--json")).isZero();
        assertThat(new ObjectMapper().readTree(out).path("usedBytes").asLong()).isZero();
        assertThat(admin("account", "show", "nobody@example.org")).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(admin("account", "quota", "alice@example.org", "500M")).isZero();
        assertThat(admin("account", "passwd", "alice@example.org")).isZero();
        assertThat(out).containsPattern("password: [A-Za-z0-9]{20}");
        assertThat(admin("account", "passwd", "alice@example.org", "--hash", "{PLAIN}x")).isEqualTo(ExitCode.INVALID);

        assertThat(admin("alias", "add", "postmaster@example.org", "alice@example.org")).isZero();
        assertThat(admin("alias", "add", "@example.org", "bob@example.org")).isZero();
        assertThat(admin("alias", "list", "--json")).isZero();
        assertThat(new ObjectMapper().readTree(out)).hasSize(2);
        assertThat(admin("alias", "remove", "@example.org", "bob@example.org")).isZero();

        assertThat(admin("domain", "remove", "example.org")).isEqualTo(ExitCode.NOT_EMPTY);
        assertThat(admin("slot", "list", "--json")).isZero();
        JsonNode slots = new ObjectMapper().readTree(out);
        assertThat(slots).hasSize(3);
        assertThat(slots.get(0).path("master").asText()).isEqualTo("node1");
        assertThat(slots.get(0).path("epoch").asLong()).isEqualTo(1);
        assertThat(admin("slot", "verify")).isZero();
        assertThat(out).contains("slot 1: clean");
        assertThat(admin("slot", "verify", "99")).isEqualTo(ExitCode.NOT_FOUND);

        assertThat(admin("account", "remove", "bob@example.org")).isZero();
        assertThat(admin("account", "show", "bob@example.org")).isEqualTo(ExitCode.NOT_FOUND);
    }

    @Test
    void restoreBringsBackExpungedMessages() throws Exception {
        initSlots();
        assertThat(admin("domain", "add", "example.org")).isZero();
        assertThat(admin("account", "add", "alice@example.org")).isZero();
        NodeConfig nc = NodeConfig.load(config);
        try (Directory d = Directory.open(nc.directory()); SlotStores stores = SlotStores.open(nc.dataDir(), nc.store())) {
            Account alice = d.findAccount("alice@example.org").orElseThrow();
            SlotStore slot = stores.slot(alice.slotId());
            slot.createAccount(alice.id());
            List<DeliveryOutcome> outcome = slot.deliver(MessageContent.of("Subject: x\r\n\r\nbody\r\n".getBytes()), Instant.now(),
                    List.of(new DeliveryTarget(alice.id(), 0)));
            DeliveryOutcome.Delivered delivered = (DeliveryOutcome.Delivered) outcome.getFirst();
            slot.expunge(delivered.mailboxId(), List.of(delivered.uid()));
            assertThat(slot.messages(delivered.mailboxId())).isEmpty();
        }
        assertThat(admin("account", "restore", "alice@example.org", "--since", "1h", "--json")).isZero();
        assertThat(new ObjectMapper().readTree(out).path("restored").asInt()).isEqualTo(1);
        assertThat(admin("account", "restore", "alice@example.org", "--since", "soon")).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void helpOnEveryLevel() {
        for (String[] args : List.of(new String[]{"--help"}, new String[]{"account", "--help"}, new String[]{"account", "add", "--help"},
                new String[]{"slot", "verify", "--help"})) {
            assertThat(admin(args)).isZero();
            assertThat(out).contains("Usage:");
        }
    }
}
