package org.mailslot.protocols.pop3;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.core.net.NetSettings;
import org.mailslot.directory.Account;
import org.mailslot.protocols.auth.PlaintextAuth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Faults and limits: an unavailable slot, a lost body, the idle timeout, the maildrop size limit. */
class Pop3FaultTest {
    @TempDir
    Path dir;
    Pop3TestServer server;
    Account alice;

    private void start(Pop3Settings settings) throws IOException {
        server = new Pop3TestServer(dir, PlaintextAuth.LOOPBACK, settings);
        alice = server.account("alice@example.com");
        for (int i = 1; i <= 3; i++) {
            server.deliver(alice, Pop3TestServer.message("m" + i, "body " + i + "\r\n"));
        }
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void unavailableSlotIsATemporaryError() throws IOException {
        start(Pop3Settings.defaults());
        server.slotsDown = true;
        try (Pop3TestClient c = Pop3TestClient.connect(server.port())) {
            assertThat(c.login("alice@example.com", Pop3TestServer.PASSWORD))
                    .isEqualTo("-ERR [SYS/TEMP] Mailbox temporarily unavailable, try again later");
            server.slotsDown = false;
            // the lock was released: the same connection can log in again
            assertThat(c.login("alice@example.com", Pop3TestServer.PASSWORD)).startsWith("+OK Logged in, 3 messages");
        }
        assertThat(server.counter("mailslot.errors", "kind", "slot-unavailable")).isEqualTo(1);
    }

    @Test
    void lostBodyGetsAnIncidentIdAndNoStackTrace() throws IOException {
        start(Pop3Settings.defaults());
        try (Stream<Path> files = Files.walk(dir.resolve("data"))) {
            for (Path p : files.filter(Files::isRegularFile).filter(p -> p.toString().contains("blobs")).toList()) {
                Files.delete(p);
            }
        }
        try (Pop3TestClient c = Pop3TestClient.connect(server.port())) {
            c.login("alice@example.com", Pop3TestServer.PASSWORD);
            assertThat(c.cmd("RETR 1")).matches("-ERR \\[SYS/TEMP] Message 1 temporarily unavailable \\(incident pop3-[0-9a-z]+-[0-9a-z]+\\)");
            assertThat(c.cmd("TOP 2 1")).startsWith("-ERR [SYS/TEMP] Message 2 temporarily unavailable");
            assertThat(c.cmd("STAT")).startsWith("+OK 3 ");
        }
    }

    @Test
    void idleClientsAreDisconnected() throws IOException {
        NetSettings d = Pop3Settings.NET_DEFAULTS;
        start(new Pop3Settings(new NetSettings(d.lineLengthLimit(), Duration.ofSeconds(1), d.commandTimeout(),
                d.maxConnections(), d.maxConnectionsPerAddress(), d.maxAuthFailures()), 10, 0, true));
        try (Pop3TestClient c = Pop3TestClient.connect(server.port())) {
            assertThat(c.login("alice@example.com", Pop3TestServer.PASSWORD)).startsWith("+OK");
            c.cmd("DELE 1");
            assertThat(c.readLine()).isEqualTo("-ERR Disconnected for inactivity");
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(server.store(alice).messages(server.inboxId(alice))).hasSize(3);
    }

    @Test
    void maxMessagesShowsTheOldestOnly() throws IOException {
        start(new Pop3Settings(Pop3Settings.NET_DEFAULTS, 10, 2, true));
        try (Pop3TestClient c = Pop3TestClient.connect(server.port())) {
            assertThat(c.login("alice@example.com", Pop3TestServer.PASSWORD)).startsWith("+OK Logged in, 2 messages");
            assertThat(c.cmd("TOP 2 0")).startsWith("+OK");
            assertThat(c.readMultiline()).contains("Subject: m2");
            assertThat(c.cmd("RETR 3")).isEqualTo("-ERR No such message 3 (the maildrop has 2)");
        }
    }
}
