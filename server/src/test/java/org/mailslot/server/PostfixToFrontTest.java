package org.mailslot.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Postfix as a real sending MTA delivering to our MX: a private Postfix instance (its own configuration, queue and
 * log under the test's directory) relays everything to a front's SMTP service as its relayhost, over STARTTLS when
 * offered. The front hands each message to the master of the recipient's slot; what arrived is read back through
 * the front's IMAP proxy, what Postfix did from its own log. Needs root and Debian's postfix (CI has both).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostfixToFrontTest {
    private static final Path POSTFIX = Path.of("/usr/sbin/postfix");
    private static final String SENDER = "sender@remote.test";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    private StoreCluster cluster;
    private NodeProcess front;
    private Postfix postfix;

    @BeforeAll
    void start() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "PostfixToFrontTest starts a private Postfix instance, which needs root (runs as "
                        + System.getProperty("user.name") + ")");
        Assumptions.assumeTrue(Files.isExecutable(POSTFIX), "PostfixToFrontTest needs Postfix (" + POSTFIX
                + " is missing: apt-get install postfix)");
        cluster = StoreCluster.start(dir, 3, 1, n -> "", true);
        front = NodeProcess.configure(dir.resolve("front1"), "front1", "front", NodeProcess.FREE_PORTS,
                cluster.frontKeys(cluster.spareAddress(1)) + silentDns());
        front.launch(List.of());
        postfix = Postfix.start(dir.resolve("postfix"), front.port("smtp"));
    }

    /**
     * The MX's SPF, DKIM and DMARC lookups go to a local port where nothing answers, so that every check ends in
     * temperror (or none) at once whatever DNS the machine has; the Authentication-Results field is written all
     * the same.
     */
    private static String silentDns() throws IOException {
        int port;
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        return """
                inbound:
                  resolvers: ["127.0.0.1:%d"]
                  dns-timeout: 200ms
                """.formatted(port);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (postfix != null) {
                postfix.close();
            }
        } finally {
            try {
                if (front != null) {
                    front.close();
                }
            } finally {
                if (cluster != null) {
                    cluster.close();
                }
            }
        }
    }

    @Test
    void fiftyMessagesReachTwoSlotsOnDifferentNodesOnceEachWithOurAuthenticationResults() throws Exception {
        String alice = cluster.addAccounts("alice", cluster.slotMasteredBy("node2"), 1).getFirst();
        String bob = cluster.addAccounts("bob", cluster.slotMasteredBy("node3"), 1).getFirst();
        Map<String, String> recipients = new LinkedHashMap<>();
        for (int i = 0; i < 50; i++) {
            String id = "batch-" + i;
            recipients.put(id, i % 2 == 0 ? alice : bob);
            postfix.submit(SENDER, recipients.get(id), StoreCluster.message(id, 2000));
        }

        PostfixLog log = awaitFinal(recipients.keySet());
        assertThat(log.finalStatuses(recipients.keySet())).as(log.text()).allSatisfy((id, status) -> assertThat(status)
                .as(id).isEqualTo("sent"));
        assertThat(log.text()).as("Postfix took the front's STARTTLS")
                .contains("TLS connection established to 127.0.0.1[127.0.0.1]:" + front.port("smtp"));

        for (String account : List.of(alice, bob)) {
            List<String> ids = recipients.entrySet().stream().filter(e -> e.getValue().equals(account))
                    .map(Map.Entry::getKey).toList();
            assertThat(arrived(account)).as(account).isEqualTo(once(ids));
            List<String> headers = headers(account);
            assertThat(headers).hasSize(ids.size()).allSatisfy(h -> assertThat(h).as(h)
                    .contains("Authentication-Results: mail.test;").contains("spf="));
        }
        System.out.printf("postfix -> front MX: %d messages for two slots (masters node2, node3): %d sent, %d deferred"
                        + " attempts, each once in its mailbox; our field: %s%n", recipients.size(),
                log.count(recipients.keySet(), "sent"), log.count(recipients.keySet(), "deferred"),
                authenticationResults(headers(alice).getFirst()));
    }

    @Test
    void anUnknownRecipientIsBouncedByPostfixWithOur550() throws Exception {
        String carol = cluster.addAccounts("carol", cluster.slotMasteredBy("node1"), 1).getFirst();
        String nobody = "nobody@" + StoreCluster.DOMAIN;
        postfix.submit(carol, nobody, StoreCluster.message("unknown-1", 500));

        PostfixLog log = awaitFinal(List.of("unknown-1"));
        PostfixLog.Delivery bounced = log.deliveries("unknown-1").getLast();
        assertThat(bounced.status()).as(log.text()).isEqualTo("bounced");
        assertThat(bounced.detail()).contains("550 5.1.1", nobody, "in reply to RCPT TO command");

        // Postfix's bounce goes back to the sender, who is ours: through the same front, into carol's INBOX
        assertThat(StoreCluster.await(PATIENCE, () -> !messages(carol).isEmpty())).as(postfix.log()).isTrue();
        String dsn = messages(carol).getFirst();
        assertThat(dsn).contains("Undelivered Mail Returned to Sender", "550 5.1.1", nobody);
        System.out.printf("postfix -> front MX, unknown recipient: %s; the bounce reached the sender's INBOX%n",
                bounced.detail());
    }

    @Test
    void aSwitchoverWhilePostfixDeliversLosesNothingAndDoublesNothing() throws Exception {
        int slotD = cluster.slotMasteredBy("node1");
        int slotE = cluster.slotMasteredBy("node3");
        String dave = cluster.addAccounts("dave", slotD, 1).getFirst();
        String erin = cluster.addAccounts("erin", slotE, 1).getFirst();

        Map<String, String> recipients = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
        AtomicBoolean stop = new AtomicBoolean();
        List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread submitter = Thread.ofVirtual().start(() -> {
            for (int i = 0; !stop.get() && i < 1000; i++) {
                String id = "switch-" + i;
                String to = i % 2 == 0 ? dave : erin;
                try {
                    postfix.submit(SENDER, to, StoreCluster.message(id, 3000));
                    recipients.put(id, to);
                    Thread.sleep(20); // a steady stream, so that Postfix is mid-batch whenever the switch comes
                } catch (Exception e) {
                    failures.add(e);
                    return;
                }
            }
        });
        assertThat(StoreCluster.await(PATIENCE, () -> postfix.parse().count(ids(recipients), "sent") >= 20))
                .as(postfix.log()).isTrue();
        assertThat(cluster.admin("slot", "switchover", Integer.toString(slotD))).as(cluster.err()).isZero();
        assertThat(cluster.admin("slot", "switchover", Integer.toString(slotE))).as(cluster.err()).isZero();
        int sentAtSwitch = postfix.parse().count(ids(recipients), "sent");
        int submittedAtSwitch = recipients.size();
        assertThat(StoreCluster.await(PATIENCE, () -> {
            List<String> all = ids(recipients);
            return postfix.parse().count(all.subList(submittedAtSwitch, all.size()), "sent") >= 20;
        })).as("mail submitted after the switchover reaches the new masters\n" + postfix.log()).isTrue();
        stop.set(true);
        submitter.join();
        assertThat(failures).isEmpty();

        PostfixLog log = awaitFinal(ids(recipients));
        assertThat(log.finalStatuses(ids(recipients))).as(log.text()).allSatisfy((id, status) -> assertThat(status)
                .as(id).isEqualTo("sent"));
        assertThat(cluster.slot(slotD).masterNode()).isNotEqualTo("node1");
        assertThat(cluster.slot(slotE).masterNode()).isNotEqualTo("node3");
        for (String account : List.of(dave, erin)) {
            List<String> ids = ids(recipients).stream().filter(id -> recipients.get(id).equals(account)).toList();
            assertThat(arrived(account)).as("every message once, none twice, at " + account).isEqualTo(once(ids));
        }
        System.out.printf("postfix -> front MX across switchovers of slots %d and %d: %d messages (%d submitted and %d"
                        + " sent when the switch was done), %d deferred attempts (%d with 451), all delivered once%n",
                slotD, slotE, recipients.size(), submittedAtSwitch, sentAtSwitch, log.count(ids(recipients), "deferred"),
                log.deliveries(ids(recipients)).stream().filter(d -> d.status().equals("deferred")
                        && d.detail().contains(" 451 ")).count());
    }

    private static List<String> ids(Map<String, String> recipients) {
        synchronized (recipients) {
            return List.copyOf(recipients.keySet());
        }
    }

    /** Waits until Postfix is done with every message: each has its last delivery line sent or bounced. */
    private PostfixLog awaitFinal(Collection<String> ids) throws Exception {
        assertThat(StoreCluster.await(PATIENCE, () -> postfix.parse().finalStatuses(ids).values().stream()
                .allMatch(s -> s.equals("sent") || s.equals("bounced"))))
                .as("Postfix finished the batch; its queue:\n" + postfix.queue() + "\nits log:\n" + postfix.log()
                        + "\nfront log:\n" + front.log()).isTrue();
        return postfix.parse();
    }

    private static Map<String, Long> once(Collection<String> ids) {
        return ids.stream().collect(Collectors.toMap(Function.identity(), id -> 1L));
    }

    /** How often each of the test's ids is in the account's INBOX, read through the front. */
    private Map<String, Long> arrived(String account) throws IOException {
        try (MailClients.Imap imap = login(account)) {
            return imap.messageIds().values().stream().map(StoreCluster::idOf)
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        }
    }

    /** Each message's Message-ID and Authentication-Results fields, as FETCH returns them. */
    private List<String> headers(String account) throws IOException {
        try (MailClients.Imap imap = login(account)) {
            return imap.command("FETCH 1:* (BODY.PEEK[HEADER.FIELDS (MESSAGE-ID AUTHENTICATION-RESULTS)])").untagged()
                    .stream().filter(u -> u.contains(" FETCH ")).toList();
        }
    }

    /** The Authentication-Results field in a FETCH response, unfolded. */
    private static String authenticationResults(String fetch) {
        Matcher m = Pattern.compile("Authentication-Results:[^\r\n]*(\r\n[ \t][^\r\n]*)*").matcher(fetch);
        return m.find() ? m.group().replaceAll("\\s+", " ") : "(none)";
    }

    /** The whole of every message in the account's INBOX; empty when the INBOX is (or cannot be read). */
    private List<String> messages(String account) {
        try (MailClients.Imap imap = login(account)) {
            return imap.command("FETCH 1:* BODY.PEEK[]").untagged().stream().filter(u -> u.contains(" FETCH ")).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private MailClients.Imap login(String account) throws IOException {
        MailClients.Imap imap = new MailClients.Imap("127.0.0.1", front.port("imap"));
        MailClients.Imap.Reply login = imap.login(account, StoreCluster.PASSWORD);
        if (!login.ok()) {
            imap.close();
            throw new IOException("login of " + account + " at the front: " + login.tagged());
        }
        imap.select("INBOX");
        return imap;
    }

    /**
     * A Postfix instance of its own: configuration, queue, data and log under {@code home}, no SMTP server (mail is
     * submitted with sendmail), everything relayed to {@code [127.0.0.1]:relayPort}, deferred mail retried every
     * second.
     */
    private static final class Postfix implements AutoCloseable {
        private final Path config;
        private final Path log;

        private Postfix(Path home) {
            this.config = home.resolve("etc");
            this.log = home.resolve("postfix.log");
        }

        static Postfix start(Path home, int relayPort) throws Exception {
            Postfix postfix = new Postfix(home);
            Files.createDirectories(postfix.config);
            Files.createDirectories(home.resolve("spool"));
            // Postfix's master opens data/master.lock after it became the postfix user: that user must reach home
            for (Path p : List.of(home.getParent(), home)) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            Files.writeString(postfix.config.resolve("main.cf"), """
                    compatibility_level = 3.6
                    queue_directory = %1$s/spool
                    data_directory = %1$s/data
                    mail_owner = postfix
                    setgid_group = postdrop
                    myhostname = postfix.test
                    myorigin = $myhostname
                    mydestination =
                    inet_interfaces = loopback-only
                    inet_protocols = ipv4
                    relayhost = [127.0.0.1]:%2$d
                    smtp_tls_security_level = may
                    smtp_tls_loglevel = 1
                    maillog_file = %1$s/postfix.log
                    maillog_file_prefixes = %1$s
                    enable_long_queue_ids = yes
                    queue_run_delay = 1s
                    minimal_backoff_time = 1s
                    maximal_backoff_time = 2s
                    delay_warning_time = 0
                    """.formatted(home.toAbsolutePath(), relayPort));
            Files.writeString(postfix.config.resolve("master.cf"), """
                    pickup    unix  n       -       n       60      1       pickup
                    cleanup   unix  n       -       n       -       0       cleanup
                    qmgr      unix  n       -       n       300     1       qmgr
                    tlsmgr    unix  -       -       n       1000?   1       tlsmgr
                    rewrite   unix  -       -       n       -       -       trivial-rewrite
                    bounce    unix  -       -       n       -       0       bounce
                    defer     unix  -       -       n       -       0       bounce
                    trace     unix  -       -       n       -       0       bounce
                    verify    unix  -       -       n       -       1       verify
                    flush     unix  n       -       n       1000?   0       flush
                    proxymap  unix  -       -       n       -       -       proxymap
                    smtp      unix  -       -       n       -       -       smtp
                    relay     unix  -       -       n       -       -       smtp
                    showq     unix  n       -       n       -       -       showq
                    error     unix  -       -       n       -       -       error
                    retry     unix  -       -       n       -       -       error
                    discard   unix  -       -       n       -       -       discard
                    anvil     unix  -       -       n       -       1       anvil
                    scache    unix  -       -       n       -       1       scache
                    postlog   unix-dgram n  -       n       -       1       postlogd
                    """);
            String out = run(List.of(POSTFIX.toString(), "-c", postfix.config.toString(), "start"), null);
            if (!out.startsWith("0\n")) {
                throw new IllegalStateException("postfix start failed: " + out + "\n" + postfix.log());
            }
            return postfix;
        }

        /** {@code sendmail -C CONFIG -f FROM -i -- TO} with the message on standard input. */
        void submit(String from, String to, byte[] message) throws Exception {
            String out = run(List.of("/usr/sbin/sendmail", "-C", config.toString(), "-f", from, "-i", "--", to), message);
            if (!out.startsWith("0\n")) {
                throw new IllegalStateException("sendmail to " + to + " failed: " + out);
            }
        }

        String log() {
            try {
                return Files.exists(log) ? Files.readString(log) : "";
            } catch (IOException e) {
                return "(log unreadable: " + e + ")";
            }
        }

        PostfixLog parse() {
            return PostfixLog.parse(log());
        }

        /** {@code postqueue -p}: what is still queued, and why. */
        String queue() throws Exception {
            return run(List.of("/usr/sbin/postqueue", "-c", config.toString(), "-p"), null);
        }

        /** Runs a command; returns its exit code, a newline and its output. */
        private static String run(List<String> command, byte[] input) throws Exception {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) {
                if (input != null) {
                    in.write(input);
                }
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "timeout\n" + out;
            }
            return p.exitValue() + "\n" + out;
        }

        @Override
        public void close() throws Exception {
            if (!run(List.of(POSTFIX.toString(), "-c", config.toString(), "stop"), null).startsWith("0\n")) {
                run(List.of(POSTFIX.toString(), "-c", config.toString(), "abort"), null);
            }
        }
    }

    /**
     * What Postfix's log says about our messages: cleanup names each queue id's Message-ID, and each delivery
     * attempt is a line {@code QUEUEID: to=<...>, relay=..., dsn=..., status=sent|deferred|bounced (detail)}.
     */
    record PostfixLog(String text, Map<String, List<Delivery>> byId) {
        private static final Pattern CLEANUP = Pattern.compile("postfix/cleanup\\[\\d+]: (\\w+): message-id=<([^>]*)>");
        private static final Pattern DELIVERY = Pattern.compile(
                "postfix/\\w+\\[\\d+]: (\\w+): to=<([^>]*)>,.* status=(\\w+) \\((.*)\\)$");

        /** One delivery attempt for one recipient. */
        record Delivery(String recipient, String status, String detail) {}

        static PostfixLog parse(String text) {
            Map<String, String> idByQueueId = new LinkedHashMap<>();
            Map<String, List<Delivery>> byId = new LinkedHashMap<>();
            for (String line : text.lines().toList()) {
                Matcher cleanup = CLEANUP.matcher(line);
                if (cleanup.find()) {
                    idByQueueId.put(cleanup.group(1), StoreCluster.idOf(cleanup.group(2)));
                    continue;
                }
                Matcher delivery = DELIVERY.matcher(line);
                if (delivery.find() && idByQueueId.containsKey(delivery.group(1))) {
                    byId.computeIfAbsent(idByQueueId.get(delivery.group(1)), x -> new ArrayList<>())
                            .add(new Delivery(delivery.group(2), delivery.group(3), delivery.group(4)));
                }
            }
            return new PostfixLog(text, byId);
        }

        List<Delivery> deliveries(String id) {
            return byId.getOrDefault(id, List.of());
        }

        List<Delivery> deliveries(Collection<String> ids) {
            return ids.stream().flatMap(id -> deliveries(id).stream()).toList();
        }

        /** The status of each message's last delivery attempt ("queued" before the first). */
        Map<String, String> finalStatuses(Collection<String> ids) {
            Map<String, String> statuses = new LinkedHashMap<>();
            for (String id : ids) {
                List<Delivery> d = deliveries(id);
                statuses.put(id, d.isEmpty() ? "queued" : d.getLast().status());
            }
            return statuses;
        }

        int count(Collection<String> ids, String status) {
            return (int) deliveries(ids).stream().filter(d -> d.status().equals(status)).count();
        }
    }
}
