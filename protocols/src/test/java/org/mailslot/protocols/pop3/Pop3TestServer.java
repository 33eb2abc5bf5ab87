package org.mailslot.protocols.pop3;

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
import org.mailslot.protocols.SlotUnavailableException;
import org.mailslot.protocols.auth.Authenticator;
import org.mailslot.protocols.auth.PlaintextAuth;
import org.mailslot.store.DeliveryOutcome;
import org.mailslot.store.DeliveryTarget;
import org.mailslot.store.MessageContent;
import org.mailslot.store.SlotStore;
import org.mailslot.store.SlotStores;
import org.mailslot.store.StoreSettings;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A POP3 node on loopback for tests: a real SQLite directory and real slot stores, one {@link Pop3Service}
 * behind a STLS listener and an implicit-TLS listener.
 */
final class Pop3TestServer implements AutoCloseable {
    static final String PASSWORD = "correct horse";

    final Path dir;
    final Directory directory;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final TlsContext tls;
    final AuthThrottle throttle = new AuthThrottle(Duration.ofMillis(20), Duration.ofMillis(100), Clock.systemUTC());
    private volatile SlotStores stores;
    /** When set, the node serves no slot, as during a failover. */
    volatile boolean slotsDown;
    private final LineServer plain;
    private final LineServer implicit;

    Pop3TestServer(Path dir, PlaintextAuth plaintext, Pop3Settings settings) throws IOException {
        this.dir = dir;
        this.directory = Directory.open(new DirectorySettings("jdbc:sqlite:" + dir.resolve("directory.db"), null, null,
                2, 1024, 1, 1, "+"));
        directory.registerNode("node1", "127.0.0.1");
        directory.ensureSlots("node1", 2);
        directory.addDomain("example.com");
        this.stores = SlotStores.open(dir.resolve("data"), StoreSettings.defaults());
        this.tls = TlsContext.selfSigned(dir.resolve("tls"), "localhost");
        ProtocolContext ctx = new ProtocolContext("mail.example.com", directory,
                account -> {
                    if (slotsDown) {
                        throw new SlotUnavailableException(account.slotId(), "failing over");
                    }
                    return stores.slot(account.slotId());
                },
                new Authenticator(directory, throttle, plaintext), Clock.systemUTC());
        Pop3Service service = new Pop3Service(settings, ctx);
        this.plain = new LineServer("pop3", new Endpoint("127.0.0.1", 0, TlsMode.STARTTLS), settings.net(), tls, service, meters).start();
        this.implicit = new LineServer("pop3s", new Endpoint("127.0.0.1", 0, TlsMode.IMPLICIT), settings.net(), tls, service, meters).start();
    }

    Pop3TestServer(Path dir) throws IOException {
        this(dir, PlaintextAuth.LOOPBACK, Pop3Settings.defaults());
    }

    int port() {
        return plain.port();
    }

    int tlsPort() {
        return implicit.port();
    }

    Account account(String address) {
        Account a = directory.addAccount(address, PASSWORD.toCharArray(), 0);
        store(a).createAccount(a.id());
        return a;
    }

    SlotStore store(Account a) {
        return stores.slot(a.slotId());
    }

    long deliver(Account a, byte[] message) {
        List<DeliveryOutcome> out = store(a).deliver(MessageContent.of(message), Instant.now(),
                List.of(new DeliveryTarget(a.id(), 0)));
        return ((DeliveryOutcome.Delivered) out.getFirst()).uid();
    }

    long deliver(Account a, String message) {
        return deliver(a, message.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    long inboxId(Account a) {
        return store(a).mailbox(a.id(), "INBOX").orElseThrow().id();
    }

    /** Closes every slot store and opens them again, as a restart of the node would. */
    void restartStores() {
        stores.close();
        stores = SlotStores.open(dir.resolve("data"), StoreSettings.defaults());
    }

    double counter(String name, String tag, String value) {
        var c = meters.find(name).tag(tag, value).counters();
        return c.stream().mapToDouble(x -> x.count()).sum();
    }

    @Override
    public void close() {
        plain.close();
        implicit.close();
        stores.close();
        directory.close();
    }

    static String message(String subject, String body) {
        return "From: sender@example.net\r\nTo: alice@example.com\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + subject.replace(' ', '-') + "@example.net>\r\n\r\n" + body;
    }
}
