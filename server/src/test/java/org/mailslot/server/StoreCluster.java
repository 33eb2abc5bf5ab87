package org.mailslot.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.mailslot.cluster.Placement;
import org.mailslot.directory.Directory;
import org.mailslot.directory.Slot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * Store nodes in their own JVMs ({@link NodeProcess}, named node1, node2, ...) sharing one SQLite directory, for the
 * replication fault tests. Each node has its own loopback address, where its replication listener binds on the port
 * all of them share, as in production; mail services listen on 127.0.0.1 with free ports. The slot map is laid out by
 * cluster init before the nodes start, so every slot starts in sync and the nodes start together.
 */
final class StoreCluster implements AutoCloseable {
    static final String DOMAIN = "cluster.test";
    static final String PASSWORD = "cluster-test-password";
    static final String SECRET = "cluster-test-secret-0123456789";

    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<String> addresses = new ArrayList<>();
    private Path dir;
    private String prefix;
    private int replicationPort;
    private IntFunction<String> clusterKeys;
    /** 0: mail services on free ports of 127.0.0.1; else every node serves them on its own address at these ports. */
    private int servicePort;
    private String out = "";
    private String err = "";

    private StoreCluster() {
    }

    /**
     * Starts {@code size} nodes with {@code slotsPerPair} slots per ordered pair. {@code clusterKeys}: more keys of the
     * {@code cluster} section, each line indented by two spaces (e.g. {@code "  ship-timeout: 500ms\n"}).
     */
    static StoreCluster start(Path dir, int size, int slotsPerPair, String clusterKeys) throws Exception {
        return start(dir, size, slotsPerPair, node -> clusterKeys);
    }

    /** {@link #start(Path, int, int, String)} with keys for each node (1, 2, ...), which replace the defaults here. */
    static StoreCluster start(Path dir, int size, int slotsPerPair, IntFunction<String> clusterKeys) throws Exception {
        return start(dir, size, slotsPerPair, clusterKeys, false);
    }

    /**
     * {@code sharedPorts}: every node serves IMAP, POP3, submission and LMTP on its own address at the same ports
     * ({@link #servicePorts()}), as in production, so that fronts can reach any master.
     */
    static StoreCluster start(Path dir, int size, int slotsPerPair, IntFunction<String> clusterKeys,
                              boolean sharedPorts) throws Exception {
        if (size * (size - 1) * slotsPerPair < 4) {
            throw new IllegalArgumentException("NodeProcess gives node1 node.slots 4: make at least 4 slots");
        }
        StoreCluster cluster = new StoreCluster();
        try {
            // a random 127.x.y.0/24 and port, so that clusters of tests running side by side on one machine never meet
            ThreadLocalRandom random = ThreadLocalRandom.current();
            cluster.dir = dir;
            cluster.prefix = "127." + random.nextInt(32, 250) + "." + random.nextInt(256) + ".";
            cluster.replicationPort = random.nextInt(24_000, 25_000);
            cluster.servicePort = sharedPorts ? random.nextInt(26_000, 30_000) : 0;
            cluster.clusterKeys = clusterKeys;
            for (int i = 1; i <= size; i++) {
                cluster.configureNode(i);
            }
            try (Directory d = cluster.directory()) {
                for (int i = 0; i < size; i++) {
                    d.registerNode("node" + (i + 1), cluster.addresses.get(i));
                }
                d.initCluster(slotsPerPair, Placement::extend);
                d.addDomain(DOMAIN);
            }
            List<Thread> starting = new ArrayList<>();
            List<Exception> failures = Collections.synchronizedList(new ArrayList<>());
            for (NodeProcess node : cluster.nodes) {
                starting.add(Thread.ofVirtual().start(() -> {
                    try {
                        node.launch(List.of());
                    } catch (Exception e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread t : starting) {
                t.join();
            }
            if (!failures.isEmpty()) {
                throw failures.getFirst();
            }
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    private NodeProcess configureNode(int i) throws Exception {
        String address = prefix + i;
        addresses.add(address);
        String listen = servicePort == 0 ? NodeProcess.FREE_PORTS : """
                smtp:
                  listen: 127.0.0.1:0
                submission:
                  listen: %1$s:%3$d
                  listen-tls: 127.0.0.1:0
                lmtp:
                  listen: %1$s:%5$d
                pop3:
                  listen: %1$s:%4$d
                  listen-tls: 127.0.0.1:0
                imap:
                  listen: %1$s:%2$d
                  listen-tls: 127.0.0.1:0
                metrics:
                  listen: 127.0.0.1:0
                """.formatted(address, servicePort, servicePort + 1, servicePort + 2, servicePort + 3);
        NodeProcess node = NodeProcess.configure(dir.resolve("node" + i), "node" + i, "store", listen, """
                directory:
                  url: jdbc:sqlite:%s
                cluster:
                  address: %s
                  secret: %s
                  replication-port: %d
                """.formatted(dir.resolve("directory.db").toAbsolutePath(), address, SECRET, replicationPort)
                + withDefaults(clusterKeys.apply(i)));
        nodes.add(node);
        return node;
    }

    /** Adds node{@code n+1} as an operator would (admin node add), starts it, and returns it; it holds no slot yet. */
    NodeProcess addNode() throws Exception {
        int i = nodes.size() + 1;
        String address = prefix + i;
        if (admin("node", "add", "node" + i, "--address", address) != 0) {
            throw new IllegalStateException("node add: " + err);
        }
        NodeProcess node = configureNode(i);
        node.launch(List.of());
        return node;
    }

    /** Fast role changes and reconnects unless the test sets them: a test waits for them. */
    private static String withDefaults(String clusterKeys) {
        String keys = clusterKeys;
        if (!keys.contains("role-refresh:")) {
            keys += "  role-refresh: 200ms\n";
        }
        if (!keys.contains("reconnect:")) {
            keys += "  reconnect: 200ms\n";
        }
        return keys;
    }

    /** The {@code front.store-ports} section that reaches this cluster's shared service ports (see start). */
    String servicePorts() {
        return """
                front:
                  store-ports:
                    imap: %d
                    submission: %d
                    pop3: %d
                    lmtp: %d
                """.formatted(servicePort, servicePort + 1, servicePort + 2, servicePort + 3);
    }

    /** The directory's JDBC URL and the cluster secret, as a front's configuration needs them. */
    String frontKeys(String address) {
        return """
                directory:
                  url: jdbc:sqlite:%s
                cluster:
                  address: %s
                  secret: %s
                  role-refresh: 200ms
                """.formatted(dir.resolve("directory.db").toAbsolutePath(), address, SECRET) + servicePorts();
    }

    /** Node {@code i}'s own address. */
    String nodeAddress(int i) {
        return addresses.get(i - 1);
    }

    /** The IMAP port every node serves on its own address (shared-ports clusters); POP3, submission, LMTP follow. */
    int servicePort() {
        return servicePort;
    }

    /** A loopback address of this cluster's /24 that no store node uses: for fronts. */
    String spareAddress(int n) {
        return prefix + (100 + n);
    }

    /** Node {@code i}, counting from 1 like the names. */
    NodeProcess node(int i) {
        return nodes.get(i - 1);
    }

    Directory directory() {
        return Directory.open(nodes.getFirst().nodeConfig().directory());
    }

    /** The first slot {@code node} masters. */
    int slotMasteredBy(String node) {
        try (Directory d = directory()) {
            return d.listSlots().stream().filter(s -> s.masterNode().equals(node)).mapToInt(Slot::id).min()
                    .orElseThrow();
        }
    }

    Slot slot(int id) {
        try (Directory d = directory()) {
            return d.slot(id).orElseThrow();
        }
    }

    /** Accounts {@code prefix}0..{@code count-1} in slot {@code slot}, all with {@link #PASSWORD}. */
    List<String> addAccounts(String prefix, int slot, int count) {
        List<String> accounts = new ArrayList<>();
        try (Directory d = directory()) {
            for (int i = 0; i < count; i++) {
                accounts.add(d.addAccount(prefix + i + "@" + DOMAIN, PASSWORD.toCharArray(), 0, slot).address());
            }
        }
        return accounts;
    }

    /** {@code mailslot admin --config <node1's> ARGS} in this JVM; its output is then in {@link #out()}. */
    int admin(String... args) {
        Admin run = admin(nodes.getFirst().config(), args);
        out = run.out();
        err = run.err();
        return run.code();
    }

    /** What one admin command did. */
    record Admin(int code, String out, String err) {}

    /** {@code mailslot admin --config CONFIG ARGS} in this JVM, its standard output captured. */
    static Admin admin(Path config, String... args) {
        List<String> full = new ArrayList<>(List.of("admin", "--config", config.toString()));
        full.addAll(List.of(args));
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        java.io.StringWriter e = new java.io.StringWriter();
        synchronized (StoreCluster.class) { // System.out is one for the whole JVM
            PrintStream oldOut = System.out;
            try {
                System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
                picocli.CommandLine cl = Main.commandLine();
                cl.setErr(new java.io.PrintWriter(e, true));
                int code = cl.execute(full.toArray(String[]::new));
                return new Admin(code, o.toString(StandardCharsets.UTF_8), e.toString());
            } finally {
                System.setOut(oldOut);
            }
        }
    }

    String out() {
        return out;
    }

    String err() {
        return err;
    }

    /** The slot's row of {@code admin slot list --json}. */
    JsonNode slotListed(int slot) throws IOException {
        if (admin("slot", "list", "--json") != 0) {
            throw new IllegalStateException("slot list failed: " + err);
        }
        for (JsonNode row : new ObjectMapper().readTree(out)) {
            if (row.path("id").asInt() == slot) {
                return row;
            }
        }
        throw new IllegalStateException("no slot " + slot + " in " + out);
    }

    /** Waits until the directory records the slot's replica in sync (or out of sync); false after the timeout. */
    boolean awaitInSync(int slot, boolean inSync, Duration timeout) throws Exception {
        return await(timeout, () -> slot(slot).inSync() == inSync);
    }

    /** Waits until {@code node} serves the account: IMAP LOGIN and SELECT INBOX succeed there. */
    boolean awaitServes(NodeProcess node, String account, Duration timeout) throws Exception {
        return await(timeout, () -> {
            try (MailClients.Imap imap = new MailClients.Imap("127.0.0.1", node.port("imap"))) {
                return imap.login(account, PASSWORD).ok() && imap.command("SELECT INBOX").ok();
            } catch (IOException e) {
                return false;
            }
        });
    }

    /**
     * Delivers as the front will: to the current master of the recipient's slot over LMTP, and after a temporary
     * refusal (a switchover in progress) looks the master up again and retries, up to {@code attempts} times.
     * Returns the last reply code: 250 delivered, 5xx refused for good, anything else gave up.
     *
     * @param masters the master of each slot as last looked up, shared by the senders of a test
     * @param retries counts the retries
     */
    int deliverToMaster(Map<String, NodeProcess> nodes, Map<Integer, String> masters, int slot, String account,
                        byte[] message, int attempts, java.util.concurrent.atomic.AtomicInteger retries) {
        int code = 0;
        for (int attempt = 0; attempt < attempts; attempt++) {
            String master = masters.computeIfAbsent(slot, x -> slot(x).masterNode());
            try (MailClients.Smtp lmtp = new MailClients.Smtp(nodes.get(master).port("lmtp"), true)) {
                code = lmtp(lmtp, account, message);
            } catch (IOException | RuntimeException e) {
                code = 421;
            }
            if (code == 250 || code >= 500) {
                return code;
            }
            retries.incrementAndGet();
            masters.remove(slot); // the slot may have moved: look again
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return code;
            }
        }
        return code;
    }

    /** One LMTP transaction to one recipient: the RCPT reply when it is refused, else the reply after the data. */
    static int lmtp(MailClients.Smtp lmtp, String recipient, byte[] message) throws IOException {
        List<Integer> codes = lmtp.send("sender@remote.test", List.of(recipient), message);
        if (codes.isEmpty()) {
            return lmtp.lastRefusal();
        }
        return codes.getFirst();
    }

    /** A mailbox as the node serving it shows it. */
    record Mailbox(long uidValidity, SortedMap<Long, String> idsByUid) {}

    /** INBOX of {@code account} on {@code node}, read over IMAP. */
    static Mailbox inbox(NodeProcess node, String account) throws IOException {
        try (MailClients.Imap imap = new MailClients.Imap("127.0.0.1", node.port("imap"))) {
            MailClients.Imap.Reply login = imap.login(account, PASSWORD);
            if (!login.ok()) {
                throw new IOException("login of " + account + ": " + login.tagged());
            }
            long validity = imap.select("INBOX");
            return new Mailbox(validity, imap.messageIds());
        }
    }

    /** A message with a unique Message-ID and subject, padded to about {@code size} bytes. */
    static byte[] message(String id, int size) {
        StringBuilder sb = new StringBuilder();
        sb.append("From: sender@remote.test\r\nTo: someone@").append(DOMAIN).append("\r\n");
        sb.append("Subject: ").append(id).append("\r\n");
        sb.append("Message-ID: <").append(id).append("@remote.test>\r\n\r\n");
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (sb.length() < size) {
            sb.append("line ").append(random.nextLong()).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The id {@link #message} gave, from a Message-ID. */
    static String idOf(String messageId) {
        return messageId.replace("@remote.test", "");
    }

    /** SIGSTOP (the node freezes: its sockets stay open but nothing answers) or SIGCONT. */
    static void signal(NodeProcess node, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(node.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + node.pid() + " failed");
        }
    }

    static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
    }

    /** Every node's log, for a failure message. */
    String logs() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < nodes.size(); i++) {
            sb.append("---- node").append(i + 1).append(" log\n").append(nodes.get(i).log());
        }
        return sb.toString();
    }

    @Override
    public void close() throws Exception {
        for (NodeProcess node : nodes) {
            node.close(); // SIGKILL works on a stopped process too
        }
    }
}
