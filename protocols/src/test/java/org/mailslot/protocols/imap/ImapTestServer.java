package org.mailslot.protocols.imap;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import org.mailslot.store.DeliveryOutcome;
import org.mailslot.store.DeliveryTarget;
import org.mailslot.store.MessageContent;
import org.mailslot.store.SlotStore;
import org.mailslot.store.SlotStores;
import org.mailslot.store.StoreSettings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * An IMAP node on loopback for tests: a real SQLite directory and real slot stores, one {@link ImapService} behind
 * a STARTTLS listener and an implicit-TLS listener.
 */
public final class ImapTestServer implements AutoCloseable {
    public static final String PASSWORD = "correct horse";

    final Path dir;
    final Directory directory;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final TlsContext tls;
    final SlotStores stores;
    private final LineServer plain;
    private final LineServer implicit;

    public ImapTestServer(Path dir, PlaintextAuth plaintext, ImapSettings settings) throws IOException {
        this(dir, plaintext, settings, StoreSettings.defaults());
    }

    public ImapTestServer(Path dir, PlaintextAuth plaintext, ImapSettings settings, StoreSettings store) throws IOException {
        this.dir = dir;
        this.directory = Directory.open(new DirectorySettings("jdbc:sqlite:" + dir.resolve("directory.db"), null, null,
                2, 1024, 1, 1, "+"));
        directory.registerNode("node1", "127.0.0.1");
        directory.ensureSlots("node1", 2);
        directory.addDomain("example.com");
        this.stores = SlotStores.open(dir.resolve("data"), store);
        this.tls = TlsContext.selfSigned(dir.resolve("tls"), "localhost");
        AuthThrottle throttle = new AuthThrottle(Duration.ofMillis(20), Duration.ofMillis(100), Clock.systemUTC());
        ProtocolContext ctx = new ProtocolContext("mail.example.com", directory, account -> stores.slot(account.slotId()),
                new Authenticator(directory, throttle, plaintext), Clock.systemUTC());
        ImapService service = new ImapService(settings, ctx);
        this.plain = new LineServer("imap", new Endpoint("127.0.0.1", 0, TlsMode.STARTTLS), settings.net(), tls, service, meters).start();
        this.implicit = new LineServer("imaps", new Endpoint("127.0.0.1", 0, TlsMode.IMPLICIT), settings.net(), tls, service, meters).start();
    }

    public ImapTestServer(Path dir) throws IOException {
        this(dir, PlaintextAuth.LOOPBACK, ImapSettings.defaults());
    }

    public int port() {
        return plain.port();
    }

    public int tlsPort() {
        return implicit.port();
    }

    public Account account(String address) {
        return account(address, 0);
    }

    public Account account(String address, long quotaBytes) {
        Account a = directory.addAccount(address, PASSWORD.toCharArray(), quotaBytes);
        store(a).createAccount(a.id());
        return a;
    }

    public SlotStore store(Account a) {
        return stores.slot(a.slotId());
    }

    public long deliver(Account a, String message) {
        List<DeliveryOutcome> out = store(a).deliver(MessageContent.of(message.getBytes(StandardCharsets.UTF_8)),
                Instant.now(), List.of(new DeliveryTarget(a.id(), 0)));
        return ((DeliveryOutcome.Delivered) out.getFirst()).uid();
    }

    public long mailboxId(Account a, String name) {
        return store(a).mailbox(a.id(), name).orElseThrow().id();
    }

    @Override
    public void close() {
        plain.close();
        implicit.close();
        stores.close();
        directory.close();
    }

    public static String message(String subject, String body) {
        return "From: sender@example.net\r\nTo: alice@example.com\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + subject.replace(' ', '-') + "@example.net>\r\n\r\n" + body;
    }
}
