package org.mailslot.protocols.smtp;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.mailslot.core.config.ConfigNode;
import org.mailslot.core.net.AuthThrottle;
import org.mailslot.core.net.Endpoint;
import org.mailslot.core.net.LineServer;
import org.mailslot.core.net.TlsContext;
import org.mailslot.core.net.TlsMode;
import org.mailslot.directory.Account;
import org.mailslot.directory.Directory;
import org.mailslot.directory.DirectorySettings;
import org.mailslot.protocols.ProtocolContext;
import org.mailslot.protocols.auth.Authenticator;
import org.mailslot.protocols.auth.PlaintextAuth;
import org.mailslot.protocols.delivery.Ingest;
import org.mailslot.protocols.delivery.StoreOutbox;
import org.mailslot.protocols.outbound.HostedTransport;
import org.mailslot.protocols.outbound.OutboundTransport;
import org.mailslot.protocols.outbound.QueueRunner;
import org.mailslot.protocols.outbound.QueueSettings;
import org.mailslot.protocols.outbound.SplitTransport;
import org.mailslot.store.DeliveryTarget;
import org.mailslot.store.Mailbox;
import org.mailslot.store.MessageContent;
import org.mailslot.store.MessageMeta;
import org.mailslot.store.SlotStore;
import org.mailslot.store.SlotStores;
import org.mailslot.store.StoreSettings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A real directory (SQLite), real slot stores and the three SMTP listeners on 127.0.0.1 ports chosen by the OS.
 * Domain example.com: alice, bob, carol (unlimited), full and tight (quota 2000), stuffed (quota 100, already over it);
 * sales@example.com -> alice + bob; catch-all @other.example -> carol. MX and submission offer STARTTLS.
 */
final class SmtpHarness implements AutoCloseable {
    static final String HOST = "mx.example.com";
    static final String PASSWORD = "correct horse";

    final Path dir;
    final Path spool;
    final Directory directory;
    final SlotStores stores;
    final TlsContext tls;
    final ProtocolContext ctx;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Map<SmtpMode, LineServer> servers = new EnumMap<>(SmtpMode.class);
    final QueueRunner queue;
    final Account alice;
    final Account bob;
    final Account carol;
    final Account full;
    final Account stuffed;
    final Account tight;

    SmtpHarness(Path dir, String yaml) throws IOException {
        this.dir = dir;
        this.spool = Files.createDirectories(dir.resolve("spool"));
        directory = Directory.open(new DirectorySettings("jdbc:sqlite:" + dir.resolve("directory.db"), null, null, 4,
                1024, 1, 1, "+"));
        directory.registerNode("node1", "127.0.0.1:7000");
        directory.ensureSlots("node1", 4);
        directory.addDomain("example.com");
        directory.addDomain("other.example");
        alice = directory.addAccount("alice@example.com", PASSWORD.toCharArray(), 0);
        bob = directory.addAccount("bob@example.com", PASSWORD.toCharArray(), 0);
        carol = directory.addAccount("carol@example.com", PASSWORD.toCharArray(), 0);
        full = directory.addAccount("full@example.com", PASSWORD.toCharArray(), 2000);
        tight = directory.addAccount("tight@example.com", PASSWORD.toCharArray(), 2000);
        stuffed = directory.addAccount("stuffed@example.com", PASSWORD.toCharArray(), 100);
        directory.addAlias("sales@example.com", "alice@example.com");
        directory.addAlias("sales@example.com", "bob@example.com");
        directory.addAlias("@other.example", "carol@example.com");
        stores = SlotStores.open(dir.resolve("data"), StoreSettings.defaults());
        store(stuffed).deliver(MessageContent.of(("Subject: filler\r\n\r\n" + "x".repeat(300) + "\r\n").getBytes()),
                Instant.now(), List.of(new DeliveryTarget(stuffed.id(), 0)));
        tls = TlsContext.selfSigned(dir.resolve("tls"), HOST);
        Authenticator auth = new Authenticator(directory, new AuthThrottle(Duration.ZERO, Duration.ZERO, Clock.systemUTC()),
                PlaintextAuth.NEVER);
        ctx = new ProtocolContext(HOST, directory, account -> stores.slot(account.slotId()), auth, Clock.systemUTC());
        // submission queues; the harness runs the queue as part of each submission, so a test sees the delivery
        // when it has the 250: hosted recipients get it, remote ones are deferred (remote transport: remoteReplies)
        queue = new QueueRunner(QueueSettings.defaults(), () -> stores.openSlotIds().stream().map(stores::slot).toList(),
                new SplitTransport(directory::isHostedDomain, new HostedTransport(directory, new Ingest(ctx), Clock.systemUTC()),
                        (envelope, content) -> envelope.recipients().stream().map(r -> new OutboundTransport.RecipientResult(
                                r, OutboundTransport.RecipientResult.Status.TEMPORARY, 451, "4.4.1",
                                "451 4.4.1 the test harness sends nothing out", null)).toList()),
                HOST, meters, Clock.systemUTC());
        for (SmtpMode mode : SmtpMode.values()) {
            SmtpSettings settings = settings(yaml + "\nspool-dir: " + spool + "\n", mode);
            TlsMode tlsMode = mode == SmtpMode.LMTP ? TlsMode.NONE : TlsMode.STARTTLS;
            SmtpService service = mode == SmtpMode.SUBMISSION
                    ? SmtpService.submission(settings, ctx, new StoreOutbox(ctx, Duration.ofDays(5), settings.saveToSent(), queue::runOnce))
                    : new SmtpService(mode, settings, ctx);
            servers.put(mode, new LineServer(mode.name().toLowerCase(), new Endpoint("127.0.0.1", 0, tlsMode),
                    settings.net(), tls, service, meters).start());
        }
    }

    static SmtpSettings settings(String yaml, SmtpMode mode) {
        return SmtpSettings.from(ConfigNode.parse(yaml), mode);
    }

    int port(SmtpMode mode) {
        return servers.get(mode).port();
    }

    SmtpClient client(SmtpMode mode) throws IOException {
        return new SmtpClient("127.0.0.1", port(mode));
    }

    SlotStore store(Account a) {
        return stores.slot(a.slotId());
    }

    /** The INBOX messages of {@code a}, oldest first (empty when the account has no mailboxes yet). */
    List<MessageMeta> messages(Account a, String mailbox) {
        return store(a).mailbox(a.id(), mailbox).map(Mailbox::id).map(id -> store(a).messages(id)).orElse(List.of());
    }

    List<MessageMeta> inbox(Account a) {
        return messages(a, "INBOX");
    }

    String body(Account a, MessageMeta m) {
        try (InputStream in = store(a).openBody(m.blobHash())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The newest INBOX message of {@code a}. */
    String lastBody(Account a) {
        List<MessageMeta> all = inbox(a);
        return body(a, all.getLast());
    }

    /** Files left in the spool directory (must be none once transactions end). */
    long spoolFiles() throws IOException {
        try (var s = Files.list(spool)) {
            return s.count();
        }
    }

    /**
     * Waits until the spool is empty: the transaction deletes its file when it ends, which may be a moment after
     * the client read the reply.
     */
    void awaitSpoolEmpty() {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> spoolFiles() == 0);
    }

    @Override
    public void close() {
        servers.values().forEach(LineServer::close);
        queue.close();
        stores.close();
        directory.close();
    }
}
