package org.mailslot.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mailslot.cluster.Placement;
import org.mailslot.directory.Account;
import org.mailslot.directory.Directory;
import org.mailslot.directory.DirectoryException;
import org.mailslot.directory.Node;
import org.mailslot.directory.NodeRole;
import org.mailslot.directory.Slot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Runs a small cluster on this machine for a first look: three store nodes, each a process of its own on its own
 * loopback address (node1..node3 on 127.0.0.11..13, the same ports on each), sharing one SQLite directory and one
 * cluster secret, with the demo domain and two accounts homed in slots node1 masters. Writes {@code DIR/demo.json}
 * (the contract tests and tools read) once every node listens; stopping the demo stops the three nodes.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts three mailslot store nodes on 127.0.0.11, .12 and .13 that replicate each other's slots,",
                "with domain example.test and accounts demo@ and probe@ served by node1; prints where to point a mail",
                "client and how to fail a slot over, and writes DIR/demo.json when ready.",
                "Running it again on the same DIR keeps the data and the passwords."})
final class DemoCommand implements java.util.concurrent.Callable<Integer> {
    static final String DOMAIN = "example.test";
    static final String[] ACCOUNTS = {"demo@" + DOMAIN, "probe@" + DOMAIN};
    /** The demo's store nodes, in start order; the first masters the demo accounts' slots. */
    static final List<String> NODES = List.of("node1", "node2", "node3");
    /** Slots per ordered pair of nodes: 3 nodes make 12 slots, each node masters 4 and holds 4 replicas. */
    static final int SLOTS_PER_PAIR = 2;
    /**
     * Slots node1 creates at its first start, before the others exist: all of its share, (3 − 1) × 2, so that cluster
     * init only gives them replicas and adds the other nodes' slots (it never moves a copy).
     */
    static final int FIRST_NODE_SLOTS = (NODES.size() - 1) * SLOTS_PER_PAIR;
    /** The demo's fronts, on their own addresses 127.0.0.31 and .32, sharing the VIPs. */
    static final List<String> FRONTS = List.of("front1", "front2");
    /** The service addresses clients use; each is held by one live front and moves when it dies. */
    static final List<String> VIPS = List.of("127.0.0.21", "127.0.0.22");
    /** The services a front offers on its VIPs; the store nodes' LMTP, metrics and replication stay internal. */
    static final Set<String> FRONT_SERVICES = Set.of("smtp", "submission", "submissions", "pop3", "pop3s", "imap", "imaps");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = NodeStatus.JSON;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "mailslot-demo",
            description = "where the demo keeps its configuration, data and demo.json (default: ${DEFAULT-VALUE})")
    Path data;

    /** node1 is 127.0.0.11, node2 127.0.0.12, ... */
    static String address(int index) {
        return "127.0.0." + (11 + index);
    }

    /** The demo's DNS port; front1 answers on 127.0.0.1, front2 on its own address (two cannot share one). */
    static final int DNS_PORT = 5353;

    static String dnsAddress(int frontIndex) {
        return frontIndex == 0 ? "127.0.0.1" : frontAddress(frontIndex);
    }

    /** front1 is 127.0.0.31, front2 127.0.0.32. */
    static String frontAddress(int index) {
        return "127.0.0." + (31 + index);
    }

    @Override
    public Integer call() throws Exception {
        Path dir = data.toAbsolutePath().normalize();
        if (Files.exists(dir.resolve("mailslot.yaml")) && !Files.exists(dir.resolve(NODES.getFirst()))) {
            System.err.println("mailslot: " + dir + " holds the one-node demo of an earlier version; run the demo"
                    + " with another --data DIR, or delete " + dir);
            return ExitCode.CONFIG;
        }
        Files.createDirectories(dir);
        Path demoJson = dir.resolve("demo.json");
        Files.deleteIfExists(demoJson);
        String secret = clusterSecret(dir.resolve("cluster-secret"));
        List<Path> configs = new ArrayList<>();
        for (int i = 0; i < NODES.size(); i++) {
            Path config = dir.resolve(NODES.get(i)).resolve("mailslot.yaml");
            if (!Files.exists(config)) {
                Files.createDirectories(config.getParent());
                writePrivate(config, nodeConfig(i, dir.resolve("directory.db"), secret));
            }
            NodeConfig.load(config); // a hand-edited mistake stops the demo here, with the key named
            configs.add(config);
        }
        // one certificate for both fronts: a client that follows a VIP to the other front sees the same one
        Path frontTls = dir.resolve("front-tls");
        org.mailslot.core.net.TlsContext.selfSigned(frontTls, "mail." + DOMAIN);
        List<Path> frontConfigs = new ArrayList<>();
        for (int i = 0; i < FRONTS.size(); i++) {
            Path config = dir.resolve(FRONTS.get(i)).resolve("mailslot.yaml");
            if (!Files.exists(config)) {
                Files.createDirectories(config.getParent());
                writePrivate(config, frontConfig(i, dir.resolve("directory.db"), secret, frontTls));
            }
            NodeConfig.load(config);
            frontConfigs.add(config);
        }

        List<ChildNode> running = new ArrayList<>();
        try {
            // node1 first: it creates the directory's schema and its slots; then the cluster is formed around it
            List<JsonNode> statuses = new ArrayList<>();
            statuses.add(start(NODES.getFirst(), configs.getFirst(), running).awaitReady(START_TIMEOUT));
            ObjectNode demo;
            Map<String, String> passwords;
            List<Integer> outOfSync;
            try (Directory directory = Directory.open(NodeConfig.load(configs.getFirst()).directory())) {
                formCluster(directory);
                passwords = ensureAccounts(directory, dir.resolve("demo-passwords.json"));
                for (int i = 1; i < NODES.size(); i++) {
                    start(NODES.get(i), configs.get(i), running);
                }
                for (int i = 1; i < NODES.size(); i++) {
                    statuses.add(running.get(i).awaitReady(START_TIMEOUT));
                }
                // the first time, node1's slots got empty replicas from cluster init: node1 copies them over now
                outOfSync = awaitInSync(directory);
                if (homeAccountsOnFirstNode(directory)) {
                    outOfSync = awaitInSync(directory);
                }
                ensureVips(directory);
                List<ChildNode> fronts = new ArrayList<>();
                for (int i = 0; i < FRONTS.size(); i++) {
                    fronts.add(start(FRONTS.get(i), frontConfigs.get(i), running));
                }
                List<JsonNode> frontStatuses = new ArrayList<>();
                for (ChildNode front : fronts) {
                    frontStatuses.add(front.awaitReady(START_TIMEOUT));
                }
                awaitVips(directory);
                demo = describe(dir, running, statuses, frontStatuses, directory, passwords);
                NodeStatus.write(demoJson, demo);
                new DemoWelcome(dir, demo, directory).print(outOfSync);
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            stopAll(running);
            throw e;
        }
        for (ChildNode node : running) {
            // status 0 is a clean stop: someone sent it SIGTERM, or Ctrl-C reached the nodes before this process
            node.onUnexpectedExit(status -> {
                if (status != 0) {
                    System.out.printf("mailslot demo: %s (pid %d) exited with status %d; its log is %s%n", node.name(),
                            node.pid(), status, node.log());
                }
            });
        }
        // demo.json says "running here": it goes when the demo stops (a SIGKILLed demo leaves it; check its pid)
        RunCommand.awaitShutdown(() -> {
            stopAll(running);
            Files.deleteIfExists(demoJson);
        });
        return ExitCode.OK;
    }

    private static ChildNode start(String name, Path config, List<ChildNode> running) throws IOException {
        Path nodeDir = config.getParent();
        ChildNode node = ChildNode.start(name, config, nodeDir.resolve("status.json"), nodeDir.resolve("node.log"));
        running.add(node);
        return node;
    }

    private static void stopAll(List<ChildNode> running) throws InterruptedException {
        running.forEach(ChildNode::requestStop);
        for (ChildNode node : running) {
            node.awaitStop(STOP_GRACE);
        }
    }

    /**
     * The configuration of the demo's node {@code index}: every service on the node's own loopback address with the
     * same ports as the other nodes, the shared directory, the cluster secret.
     */
    static String nodeConfig(int index, Path directoryDb, String secret) {
        String name = NODES.get(index);
        String slotsComment = index == 0
                ? "# node1 creates slots 1-" + FIRST_NODE_SLOTS + " at its first start; cluster init adds the others' slots"
                : "# slots 1-" + FIRST_NODE_SLOTS + " exist (node1 made them), so this node makes none: cluster init"
                        + " gave it its share";
        return """
                # Written by `mailslot demo`: {name}, one of the demo's three store nodes. Every key is explained in
                # docs/configuration.md. It holds the cluster secret, so only its owner may read it.
                node:
                  name: {name}
                  hostname: {name}.localhost
                  data-dir: data
                  {slots-comment}
                  slots: {node-slots}
                directory:
                  url: 'jdbc:sqlite:{directory}'   # the one directory the three nodes share
                cluster:
                  address: {ip}   # how the other nodes reach this one; every service below listens here too
                  secret: {secret}   # the same on every node; also in ../cluster-secret
                  replication-port: 2401
                  failover: automatic    # a node silent for failover-after has its masters promoted elsewhere
                  failover-after: 10s
                tls:
                  self-signed: true
                auth:
                  plaintext: loopback      # the demo lets clients on 127.0.0.0/8 log in without TLS
                  failure-delay: 1s
                smtp:
                  listen: {ip}:2525
                submission:
                  listen: {ip}:2587
                  listen-tls: {ip}:2465
                lmtp:
                  listen: {ip}:2424
                pop3:
                  listen: {ip}:2110
                  listen-tls: {ip}:2995
                imap:
                  listen: {ip}:2143
                  listen-tls: {ip}:2993
                metrics:
                  listen: {ip}:2932
                """.replace("{name}", name).replace("{slots-comment}", slotsComment)
                .replace("{node-slots}", Integer.toString(FIRST_NODE_SLOTS))
                .replace("{ip}", address(index))
                // the path last, as it may hold anything; in YAML's single quotes only ' needs escaping, as ''
                .replace("{secret}", secret).replace("{directory}", directoryDb.toString().replace("'", "''"));
    }

    /**
     * The configuration of the demo's front {@code index}: the user-facing services on its own address and, once it
     * holds them, on the VIPs, at the same ports as the store nodes use; the store nodes' ports; the shared directory,
     * cluster secret and front certificate.
     */
    static String frontConfig(int index, Path directoryDb, String secret, Path tlsDir) {
        return """
                # Written by `mailslot demo`: {name}, one of the demo's two fronts. They keep no mail: they check logins
                # and hand each session to the store node that masters the account's slot, and hand inbound mail to
                # it over LMTP. Every key is explained in docs/configuration.md. It holds the cluster secret.
                node:
                  name: {name}
                  roles: [front]
                  hostname: mail.example.test
                  data-dir: data
                directory:
                  url: 'jdbc:sqlite:{directory}'
                cluster:
                  address: {ip}
                  secret: {secret}   # proxy logins to the store nodes are signed with it
                front:
                  store-ports: { imap: 2143, pop3: 2110, submission: 2587, lmtp: 2424 }
                vip:
                  ip-manager: loopback   # 127.0.0.0/8 needs no address added; production uses linux
                dns:
                  listen: {dns}   # authoritative for the zone and the hosted domains: try dig
                  zone: example.test
                  spf-extra: [ip4:127.0.0.11, ip4:127.0.0.12, ip4:127.0.0.13]   # outbound mail leaves from the store nodes
                tls:
                  certificate: '{cert}'
                  private-key: '{key}'
                auth:
                  plaintext: loopback
                  failure-delay: 1s
                smtp:
                  listen: {ip}:2525
                submission:
                  listen: {ip}:2587
                  listen-tls: {ip}:2465
                lmtp:
                  listen: ''
                pop3:
                  listen: {ip}:2110
                  listen-tls: {ip}:2995
                imap:
                  listen: {ip}:2143
                  listen-tls: {ip}:2993
                metrics:
                  listen: {ip}:2932
                """.replace("{name}", FRONTS.get(index)).replace("{ip}", frontAddress(index))
                .replace("{dns}", dnsAddress(index) + ":" + DNS_PORT)
                .replace("{secret}", secret)
                .replace("{cert}", tlsDir.resolve("cert.pem").toString().replace("'", "''"))
                .replace("{key}", tlsDir.resolve("key.pem").toString().replace("'", "''"))
                .replace("{directory}", directoryDb.toString().replace("'", "''"));
    }

    /** The VIPs exist in the directory (the fronts divide them between themselves). */
    private static void ensureVips(Directory directory) {
        Set<String> known = directory.listVips().stream().map(org.mailslot.directory.Vip::address).collect(Collectors.toSet());
        for (String vip : VIPS) {
            if (!known.contains(vip)) {
                directory.addVip(vip, null);
            }
        }
    }

    /** Waits until every VIP has a front and answers IMAP there. */
    private static void awaitVips(Directory directory) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            boolean held = directory.listVips().stream().filter(v -> VIPS.contains(v.address())).allMatch(v -> v.owner() != null);
            if (held && VIPS.stream().allMatch(DemoCommand::answers)) {
                return;
            }
            Thread.sleep(200);
        }
        System.out.println("mailslot demo: the VIPs " + VIPS + " are not all served yet; see the fronts' logs");
    }

    private static boolean answers(String vip) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(vip, 2143), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The demo's cluster secret, made on first run and kept (mode 0600) so that reruns and every node share it. */
    private static String clusterSecret(Path file) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file).strip();
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        writePrivate(file, secret + "\n");
        return secret;
    }

    /** Writes a file only its owner can read, never readable by others even for a moment. */
    private static void writePrivate(Path file, String content) throws IOException {
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(file, content);
    }

    /**
     * Registers node2 and node3 (node1 registered itself) and, on the first run, spreads the slots over the three
     * (cluster init). Later runs find the cluster formed and leave the slot map as it is: a user's failovers stay.
     */
    private static void formCluster(Directory directory) {
        Set<String> known = directory.listNodes().stream().map(Node::name).collect(Collectors.toSet());
        for (int i = 0; i < NODES.size(); i++) {
            if (!known.contains(NODES.get(i))) {
                directory.addNode(NODES.get(i), address(i), EnumSet.of(NodeRole.STORE));
            }
        }
        if (directory.listSlots().stream().allMatch(s -> s.replicaNode() == null)) {
            directory.initCluster(SLOTS_PER_PAIR, Placement::extend);
        }
    }

    /**
     * After a user failed a demo account's slot over, a rerun gives it back to node1, because clients are told to
     * connect there: node1's copy is promoted once it is in sync (the old master, just started, has had no client yet,
     * and is fenced if it takes a write). A copy on node1 that is out of sync is left alone: promoting it could lose
     * mail. Returns whether a slot was promoted.
     */
    private static boolean homeAccountsOnFirstNode(Directory directory) {
        String first = NODES.getFirst();
        boolean promoted = false;
        for (String address : ACCOUNTS) {
            Optional<Slot> slot = directory.findAccount(address).flatMap(a -> directory.slot(a.slotId()));
            if (slot.isEmpty() || slot.get().masterNode().equals(first)) {
                continue;
            }
            Slot s = slot.get();
            if (first.equals(s.replicaNode()) && s.inSync()) {
                directory.promoteReplica(s.id(), s.epoch(), false, false,
                        "mailslot demo: the demo accounts are served by " + first);
                promoted = true;
            } else {
                System.out.printf("mailslot demo: %s lives in slot %d, mastered by %s, and %s has no in-sync copy of it"
                        + " to take back; connect to %s for it%n", address, s.id(), s.masterNode(), first, s.masterNode());
            }
        }
        return promoted;
    }

    /**
     * Creates the demo domain and accounts on first run, in slots node1 masters (one each, in turn); later runs keep
     * them and their passwords.
     */
    private static Map<String, String> ensureAccounts(Directory directory, Path passwordFile) throws IOException {
        Map<String, String> known = new LinkedHashMap<>();
        if (Files.exists(passwordFile)) {
            JSON.readTree(passwordFile.toFile()).properties().forEach(e -> known.put(e.getKey(), e.getValue().asText()));
        }
        if (!directory.isHostedDomain(DOMAIN)) {
            directory.addDomain(DOMAIN);
        }
        List<Integer> firstNodeSlots = directory.listSlots().stream()
                .filter(s -> s.masterNode().equals(NODES.getFirst())).map(Slot::id).toList();
        Map<String, String> passwords = new LinkedHashMap<>();
        for (int i = 0; i < ACCOUNTS.length; i++) {
            String address = ACCOUNTS[i];
            String password = known.get(address);
            boolean exists = directory.findAccount(address).isPresent();
            if (password == null || !exists) {
                password = password == null ? org.mailslot.server.admin.Passwords.generate() : password;
                if (exists) {
                    directory.setPassword(address, password.toCharArray());
                } else {
                    try {
                        directory.addAccount(address, password.toCharArray(), 0,
                                firstNodeSlots.get(i % firstNodeSlots.size()));
                    } catch (DirectoryException e) {
                        if (e.reason() != DirectoryException.Reason.EXISTS) {
                            throw e;
                        }
                    }
                }
            }
            passwords.put(address, password);
        }
        writePrivate(passwordFile, JSON.writeValueAsString(passwords));
        return passwords;
    }

    /** Waits until every slot's replica is in sync; returns the slots that are not after {@link #SYNC_TIMEOUT}. */
    private static List<Integer> awaitInSync(Directory directory) throws InterruptedException {
        long deadline = System.nanoTime() + SYNC_TIMEOUT.toNanos();
        while (true) {
            List<Integer> behind = directory.listSlots().stream()
                    .filter(s -> s.replicaNode() != null && !s.inSync()).map(Slot::id).toList();
            if (behind.isEmpty() || System.nanoTime() > deadline) {
                return behind;
            }
            Thread.sleep(200);
        }
    }

    /**
     * demo.json: node1's configuration, pid, services and certificate at the top (what the one-node demo wrote, so
     * tools written for it keep working), the accounts, and every node under {@code nodes}.
     */
    private static ObjectNode describe(Path dir, List<ChildNode> running, List<JsonNode> statuses,
                                       List<JsonNode> frontStatuses, Directory directory, Map<String, String> passwords) {
        ObjectNode root = JSON.createObjectNode();
        JsonNode first = statuses.getFirst();
        root.put("version", 1);
        root.put("config", running.getFirst().config().toString());
        root.put("data", dir.toString());
        root.put("pid", running.getFirst().pid());
        root.put("domain", DOMAIN);
        root.set("services", userServices(first.path("services"), frontStatuses.getFirst().path("services")));
        ArrayNode accounts = root.putArray("accounts");
        passwords.forEach((address, password) -> {
            ObjectNode a = accounts.addObject().put("address", address).put("password", password);
            directory.findAccount(address).map(Account::slotId).ifPresent(slot -> a.put("slot", slot));
        });
        // the certificate of the services above: the fronts' one (each node's own is in its entry under nodes)
        JsonNode frontTls = frontStatuses.getFirst().path("tls");
        if (!frontTls.isMissingNode()) {
            root.set("tls", frontTls);
        }
        root.put("clusterSecretFile", dir.resolve("cluster-secret").toString());
        Map<String, Node> nodes = directory.listNodes().stream().collect(Collectors.toMap(Node::name, n -> n));
        List<Slot> slots = directory.listSlots();
        ArrayNode list = root.putArray("nodes");
        for (int i = 0; i < NODES.size(); i++) {
            ChildNode child = running.get(i);
            Node node = nodes.get(child.name());
            ObjectNode n = list.addObject();
            n.put("name", child.name());
            n.put("roles", node == null ? "store" : node.roles().stream().map(NodeRole::text)
                    .collect(Collectors.joining(",")));
            n.put("pid", child.pid());
            n.put("address", address(i));
            n.put("config", child.config().toString());
            n.put("log", child.log().toString());
            ArrayNode masters = n.putArray("masters");
            slots.stream().filter(s -> s.masterNode().equals(child.name())).forEach(s -> masters.add(s.id()));
            n.set("services", statuses.get(i).path("services"));
            if (statuses.get(i).has("tls")) {
                n.set("tls", statuses.get(i).path("tls"));
            }
        }
        for (int i = 0; i < FRONTS.size(); i++) {
            ChildNode child = running.get(NODES.size() + i);
            ObjectNode n = list.addObject();
            n.put("name", child.name());
            n.put("roles", "front");
            n.put("pid", child.pid());
            n.put("address", frontAddress(i));
            n.put("config", child.config().toString());
            n.put("log", child.log().toString());
            n.putArray("masters");
            n.set("services", frontStatuses.get(i).path("services"));
            if (frontStatuses.get(i).has("tls")) {
                n.set("tls", frontStatuses.get(i).path("tls"));
            }
        }
        root.putObject("dns").put("host", dnsAddress(0)).put("port", DNS_PORT).put("zone", DOMAIN);
        ObjectNode names = root.putObject("serviceNames");
        for (String service : List.of("imap", "pop", "smtp", "mail", "www")) {
            names.put(service, service + "." + DOMAIN);
        }
        ArrayNode vips = root.putArray("vips");
        directory.listVips().stream().filter(v -> VIPS.contains(v.address()))
                .forEach(v -> vips.addObject().put("address", v.address()).put("owner", v.owner()));
        return root;
    }

    /**
     * Where clients go: the fronts' services on the first VIP (either front serves it, whichever holds it), and the
     * store nodes' internal services (LMTP, metrics, replication) of node1, as the one-node demo listed them.
     */
    private static ObjectNode userServices(JsonNode storeServices, JsonNode frontServices) {
        ObjectNode services = JSON.createObjectNode();
        storeServices.properties().forEach(e -> {
            JsonNode front = frontServices.path(e.getKey());
            if (FRONT_SERVICES.contains(e.getKey()) && !front.isMissingNode()) {
                services.set(e.getKey(), ((ObjectNode) front.deepCopy()).put("host", VIPS.getFirst()));
            } else {
                services.set(e.getKey(), e.getValue());
            }
        });
        return services;
    }
}
