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
        assertThat(admin("account", "add", "carol@example.org", "--slot", "3")).isZero();
        assertThat(out).contains("account carol@example.org added in slot 3");
        assertThat(admin("account", "add", "dave@example.org", "--slot", "99")).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(err).contains("slot 99 does not exist");
        assertThat(admin("account", "add", "dave@example.org", "--slot", "-1")).isEqualTo(ExitCode.USAGE);
        assertThat(admin("account", "remove", "carol@example.org")).isZero();

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
    void nodesAndClusterFromASingleNodeInstall() throws Exception {
        initSlots(); // node1 masters slots 1..3, without replicas
        assertThat(admin("domain", "add", "example.org")).isZero();
        for (String user : List.of("alice", "bob", "carol", "dave")) {
            assertThat(admin("account", "add", user + "@example.org")).isZero();
        }
        assertThat(admin("cluster", "init", "--slots-per-pair", "1")).isEqualTo(ExitCode.INVALID);
        assertThat(err).contains("at least 2 store nodes");

        assertThat(admin("node", "add", "node2", "--address", "127.0.0.2")).isZero();
        assertThat(out).contains("node node2 added (store)");
        assertThat(admin("node", "add", "node3", "--address", "127.0.0.3", "--roles", "store,front")).isZero();
        assertThat(admin("node", "add", "front1", "--address", "127.0.1.1", "--roles", "front")).isZero();
        assertThat(admin("node", "add", "node2", "--address", "127.0.0.9")).isEqualTo(ExitCode.EXISTS);
        assertThat(err).contains("node node2 already exists");
        assertThat(admin("node", "add", "node4", "--address", "127.0.0.4", "--roles", "backup")).isEqualTo(ExitCode.INVALID);
        assertThat(err).contains("backup");
        assertThat(admin("node", "add", "node4")).isEqualTo(ExitCode.USAGE);

        try (Directory d = Directory.open(NodeConfig.load(config).directory())) {
            d.nodeHeartbeat("node2", Instant.now().minusSeconds(30));
        }
        assertThat(admin("node", "list", "--json")).isZero();
        JsonNode nodes = new ObjectMapper().readTree(out);
        assertThat(nodes).hasSize(4);
        assertThat(nodes.get(0).path("name").asText()).isEqualTo("front1");
        assertThat(nodes.get(3).path("roles").toString()).isEqualTo("[\"front\",\"store\"]");
        assertThat(nodes.get(1).path("state").asText()).isEqualTo("active");
        assertThat(nodes.get(2).path("heartbeatAgeMs").asLong()).isBetween(30_000L, 90_000L);
        assertThat(nodes.get(1).path("heartbeatAgeMs").isNull()).isTrue();
        assertThat(admin("node", "list")).isZero();
        assertThat(out).containsPattern("node2 +127\\.0\\.0\\.2 +store +active +3\\ds ago")
                .containsPattern("node3 +127\\.0\\.0\\.3 +front,store +active +-");

        // Before init: node1 masters everything, nothing is replicated.
        assertThat(admin("cluster", "status")).isZero();
        assertThat(out).containsPattern("node1 +- +0 +0 +3 +3 +active").contains("3 slots on 3 nodes: 3 without a replica");

        // node1's 3 slots need 2 per pair over its 2 replicas; init moves no copy, so 1 is refused.
        assertThat(admin("cluster", "init", "--slots-per-pair", "1")).isEqualTo(ExitCode.INVALID);
        assertThat(err).contains("node1 masters 3 slots").contains("--slots-per-pair 2 or more, or rebalance");
        assertThat(admin("cluster", "init", "--slots-per-pair", "2", "--json")).isZero();
        JsonNode init = new ObjectMapper().readTree(out);
        assertThat(init.path("replicasAdded")).hasSize(3);
        assertThat(init.path("slotsAdded")).hasSize(3 * 2 * 2 - 3);
        assertThat(init.path("replicasAdded").get(0).path("slot").asInt()).isEqualTo(1);
        assertThat(admin("cluster", "init", "--slots-per-pair", "2")).isZero();
        assertThat(out).contains("nothing to do: every ordered pair of the 3 store nodes holds 2 slots (12 slots)");

        assertThat(admin("cluster", "status", "--json")).isZero();
        JsonNode status = new ObjectMapper().readTree(out);
        assertThat(status.path("even").asBoolean()).isTrue();
        assertThat(status.path("slots").asInt()).isEqualTo(12);
        assertThat(status.path("fewestPerPair").asInt()).isEqualTo(2);
        assertThat(status.path("mostPerPair").asInt()).isEqualTo(2);
        assertThat(status.path("nodes")).hasSize(3).allSatisfy(n -> {
            assertThat(n.path("masters").asInt()).isEqualTo(4);
            assertThat(n.path("replicas").asInt()).isEqualTo(4);
        });
        assertThat(admin("cluster", "status")).isZero();
        assertThat(out).containsPattern("MASTER \\\\ REPLICA +node1 +node2 +node3 +MASTERS +STATE")
                .containsPattern("node1 +- +2 +2 +4 +active")
                .containsPattern("REPLICAS +4 +4 +4")
                .contains("12 slots on 3 nodes: even, every ordered pair holds 2");

        // Accounts stayed in their slots; lag shows once the replica's node reports it.
        try (Directory d = Directory.open(NodeConfig.load(config).directory())) {
            assertThat(d.findAccount("alice@example.org").orElseThrow().slotId()).isEqualTo(1);
            String replica = d.slot(1).orElseThrow().replicaNode();
            d.reportCopy(1, replica, 42, 250);
            d.setNodeState("node3", org.mailslot.directory.NodeState.DOWN);
        }
        assertThat(admin("slot", "list", "--json")).isZero();
        JsonNode slots = new ObjectMapper().readTree(out);
        assertThat(slots).hasSize(12);
        assertThat(slots.get(0).path("lagMs").asLong()).isEqualTo(250);
        assertThat(slots.get(0).path("inSync").asBoolean()).isFalse();
        assertThat(slots.get(1).path("lagMs").isNull()).isTrue();
        assertThat(admin("slot", "list")).isZero();
        assertThat(out).containsPattern("SLOT +MASTER +REPLICA +EPOCH +IN-SYNC +LAG +ACCOUNTS")
                .containsPattern("\\n1 +node1 +node\\d +1 +NO +250ms +2\\n")
                .containsPattern("\\n2 +node1 +node\\d +1 +NO +- +1\\n");
        assertThat(admin("cluster", "status")).isZero();
        assertThat(out).containsPattern("node3 +2 +2 +- +4 +down");

        // Failover: slot 1's replica was just added, out of sync: refused without --force, recorded with it.
        assertThat(admin("slot", "failover", "1")).isEqualTo(ExitCode.INVALID);
        assertThat(err).contains("out of sync", "--force");
        assertThat(admin("slot", "failover", "1", "--force", "--reason", "node1 is gone", "--json")).isZero();
        JsonNode forced = new ObjectMapper().readTree(out);
        assertThat(forced.path("epoch").asLong()).isEqualTo(2);
        assertThat(forced.path("replicaNode").asText()).isEqualTo("node1");
        // slot 5 is new, in sync: promoted without --force, and the text says what moved
        assertThat(admin("slot", "failover", "5")).isZero();
        assertThat(out).containsPattern("slot 5: master node\\d -> node\\d, epoch 1 -> 2\\n");
        assertThat(admin("slot", "failover", "99")).isEqualTo(ExitCode.NOT_FOUND);
        try (Directory d = Directory.open(NodeConfig.load(config).directory())) {
            assertThat(d.listSlotEvents(1)).last().satisfies(e -> {
                assertThat(e.kind()).isEqualTo("forced-promotion");
                assertThat(e.detail()).contains("by mailslot admin: node1 is gone", "may be lost");
            });
            assertThat(d.listSlotEvents(5)).last().extracting(e -> e.kind()).isEqualTo("failover");
        }
    }

    @Test
    void slotScrubAsksTheMasterWaitsForItsFindingsAndExitsOneOnAny() throws Exception {
        Files.writeString(config, """
                node:
                  data-dir: data
                  slots: 3
                cluster:
                  role-refresh: 100ms
                smtp:
                  listen: 127.0.0.1:0
                submission:
                  listen: 127.0.0.1:0
                lmtp:
                  listen: 127.0.0.1:0
                pop3:
                  listen: 127.0.0.1:0
                imap:
                  listen: 127.0.0.1:0
                metrics:
                  listen: 127.0.0.1:0
                """);
        initSlots(); // node1 masters slots 1..3, without replicas
        assertThat(admin("slot", "scrub")).isEqualTo(ExitCode.USAGE);
        assertThat(err).contains("name the slots to scrub, or --all");
        assertThat(admin("slot", "scrub", "1", "--all")).isEqualTo(ExitCode.USAGE);
        assertThat(admin("slot", "scrub", "99")).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(err).contains("slot 99 does not exist");
        // no node runs to carry it out: the request stays, the command gives up after --wait
        assertThat(admin("slot", "scrub", "2", "--wait", "300ms")).isEqualTo(ExitCode.FAILURE);
        assertThat(err).contains("slot 2 was not scrubbed within 300ms; is its master node (node1) running?");

        try (MailNode node = MailNode.start(NodeConfig.load(config))) {
            // the node answers the request left pending when it starts
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> node.directory().pendingScrubs().isEmpty());
            assertThat(node.directory().listSlotEvents(2)).last().satisfies(e -> {
                assertThat(e.kind()).isEqualTo("scrub");
                assertThat(e.detail()).isEqualTo("clean: 0 bodies checked, no replica");
            });

            SlotStore slot = node.stores().slot(1);
            DeliveryOutcome.Delivered delivered = (DeliveryOutcome.Delivered) slot.deliver(
                    MessageContent.of("Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8)), Instant.now(),
                    List.of(new DeliveryTarget(1, 0))).getFirst();
            String hash = slot.message(delivered.mailboxId(), delivered.uid()).orElseThrow().blobHash();
            Files.delete(dir.resolve("data/slots/1/blobs").resolve(hash.substring(0, 2)).resolve(hash.substring(2, 4))
                    .resolve(hash));

            assertThat(admin("slot", "scrub", "1")).isEqualTo(ExitCode.FAILURE);
            assertThat(out).isEqualTo("slot 1: 1 finding, 0 repaired (1 bodies checked, no replica); body " + hash
                    + " missing on the master: the slot has no replica to repair it from\n");
            assertThat(admin("slot", "scrub", "--all", "--json")).isEqualTo(ExitCode.FAILURE);
            JsonNode results = new ObjectMapper().readTree(out);
            assertThat(results).hasSize(3);
            assertThat(results.get(0).path("clean").asBoolean()).isFalse();
            assertThat(results.get(0).path("detail").asText()).contains("body " + hash + " missing on the master");
            assertThat(results.get(1).path("done").asBoolean()).isTrue();
            assertThat(results.get(1).path("clean").asBoolean()).isTrue();
            assertThat(admin("slot", "scrub", "2", "3")).isZero();
            assertThat(out).contains("slot 2: clean", "slot 3: clean");

            java.net.http.HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                            + node.endpoint("metrics").port() + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).containsPattern("mailslot_scrub_runs_total\\{result=\"found\"} 2\\.0")
                    .containsPattern("mailslot_scrub_findings_total\\{kind=\"body-missing\"} 2\\.0");
        }
    }

    @Test
    void dkimKeysAreGeneratedShownAndImported() throws Exception {
        assertThat(admin("domain", "add", "example.org")).isZero();
        assertThat(admin("domain", "dkim", "show", "example.org")).isZero();
        assertThat(out).contains("no DKIM key for example.org");
        assertThat(admin("domain", "dkim", "generate", "example.org", "--selector", "s1", "--bits", "1024")).isZero();
        assertThat(out).containsPattern("s1\\._domainkey\\.example\\.org\\. IN TXT \"v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]+\"");
        assertThat(admin("domain", "dkim", "generate", "example.org", "--selector", "s1")).isEqualTo(ExitCode.EXISTS);
        assertThat(admin("domain", "dkim", "generate", "unknown.org")).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(admin("domain", "dkim", "generate", "example.org", "--bits", "512")).isEqualTo(ExitCode.INVALID);
        assertThat(admin("domain", "dkim", "generate", "example.org")).isZero(); // 2048 bits, dated selector
        assertThat(out).containsPattern("s\\d{8}\\._domainkey\\.example\\.org\\. IN TXT \"[^\"]{255}\" \"[^\"]+\"");

        assertThat(admin("domain", "dkim", "show", "example.org", "--json")).isZero();
        assertThat(out).doesNotContain("PRIVATE");
        JsonNode keys = new ObjectMapper().readTree(out);
        assertThat(keys).hasSize(2);
        assertThat(keys.get(0).path("active").asBoolean()).isTrue();
        assertThat(keys.get(1).path("selector").asText()).isEqualTo("s1");
        assertThat(keys.get(1).path("active").asBoolean()).isFalse();

        String pem;
        try (Directory d = Directory.open(NodeConfig.load(config).directory())) {
            pem = d.findDkimKey("example.org").orElseThrow().privateKeyPem();
        }
        Path keyFile = dir.resolve("key.pem");
        Files.writeString(keyFile, pem);
        assertThat(admin("domain", "add", "other.org")).isZero();
        assertThat(admin("domain", "dkim", "import", "other.org", "--selector", "mail", "--key-file", keyFile.toString())).isZero();
        assertThat(out).contains("mail._domainkey.other.org. IN TXT");
        assertThat(admin("domain", "dkim", "import", "other.org", "--selector", "x", "--key-file", dir.resolve("none").toString()))
                .isEqualTo(ExitCode.USAGE);
        assertThat(admin("domain", "dkim", "generate", "--help")).isZero();
        assertThat(out).contains("Usage:", "--selector", "--bits");
    }

    @Test
    void helpOnEveryLevel() {
        for (String[] args : List.of(new String[]{"--help"}, new String[]{"account", "--help"}, new String[]{"account", "add", "--help"},
                new String[]{"slot", "verify", "--help"}, new String[]{"slot", "failover", "--help"},
                new String[]{"slot", "scrub", "--help"}, new String[]{"node", "add", "--help"},
                new String[]{"cluster", "init", "--help"}, new String[]{"cluster", "status", "--help"})) {
            assertThat(admin(args)).isZero();
            assertThat(out).contains("Usage:");
        }
    }
}
