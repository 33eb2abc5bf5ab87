package org.mailslot.protocols.pop3;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.protocols.auth.PlaintextAuth;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Logins: USER/PASS, AUTH PLAIN with and without SASL-IR, the plaintext policy, STLS and implicit TLS, failures. */
class Pop3AuthTest {
    private static final String REFUSED = "-ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.";

    @TempDir
    Path dir;
    Pop3TestServer server;

    private Pop3TestServer start(PlaintextAuth plaintext) throws IOException {
        server = new Pop3TestServer(dir, plaintext, Pop3Settings.defaults());
        server.deliver(server.account("alice@example.com"), Pop3TestServer.message("hello", "hi\r\n"));
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void authPlainWithInitialResponse() throws IOException {
        start(PlaintextAuth.LOOPBACK);
        try (Pop3TestClient c = Pop3TestClient.connect(server.port())) {
            assertThat(c.cmd("AUTH PLAIN " + Pop3TestClient.plain("alice@example.com", Pop3TestServer.PASSWORD)))
                    .startsWith("+OK Logged in, 1 messages");
        }
    }

    @Test
    void authPlainWithContinuationAndCancel() throws IOException {
        start(PlaintextAuth.LOOPBACK);
        try (Pop3TestClient c = Pop3TestClient.connect(server.port())) {
            assertThat(c.cmd("AUTH")).isEqualTo("+OK Supported mechanisms follow");
            assertThat(c.readMultiline()).containsExactly("PLAIN");
            assertThat(c.cmd("AUTH CRAM-MD5")).isEqualTo("-ERR Unsupported authentication mechanism");
            assertThat(c.cmd("AUTH PLAIN")).isEqualTo("+ ");
            assertThat(c.cmd("*")).isEqualTo("-ERR Authentication cancelled");
            assertThat(c.cmd("AUTH PLAIN =")).isEqualTo("-ERR Invalid SASL PLAIN response");
            assertThat(c.cmd("AUTH PLAIN")).isEqualTo("+ ");
            assertThat(c.cmd("not base64!")).isEqualTo("-ERR Invalid SASL PLAIN response");
            assertThat(c.cmd("AUTH plain")).isEqualTo("+ ");
            assertThat(c.cmd(Pop3TestClient.plain("alice@example.com", Pop3TestServer.PASSWORD))).startsWith("+OK Logged in");
            assertThat(c.cmd("STAT")).startsWith("+OK 1 ");
        }
    }

    @Test
    void wrongPasswordsAreDelayedCountedAndEndTheSession() throws IOException {
        start(PlaintextAuth.LOOPBACK);
        try (Pop3TestClient c = Pop3TestClient.connect(server.port())) {
            assertThat(c.login("alice@example.com", "wrong")).isEqualTo("-ERR [AUTH] Authentication failed");
            assertThat(server.throttle.failures("ip:127.0.0.1")).isEqualTo(1);
            assertThat(server.throttle.pending("user:alice@example.com")).isPositive();
            assertThat(c.cmd("AUTH PLAIN " + Pop3TestClient.plain("alice@example.com", "nope")))
                    .isEqualTo("-ERR [AUTH] Authentication failed");
            assertThat(c.login("nobody@example.com", "x"))
                    .isEqualTo("-ERR [AUTH] Authentication failed; too many failures, closing");
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(server.throttle.failures("ip:127.0.0.1")).isEqualTo(3);
        assertThat(server.counter("mailslot.errors", "kind", "auth")).isEqualTo(3);
        try (Pop3TestClient c = Pop3TestClient.connect(server.port())) {
            assertThat(c.login("alice@example.com", Pop3TestServer.PASSWORD)).startsWith("+OK Logged in");
        }
    }

    @Test
    void plaintextIsRefusedBeforeTlsWhenNeverAllowed() throws IOException {
        start(PlaintextAuth.NEVER);
        try (Pop3TestClient c = Pop3TestClient.connect(server.port())) {
            assertThat(c.cmd("CAPA")).startsWith("+OK");
            assertThat(c.readMultiline()).contains("STLS").doesNotContain("USER", "SASL PLAIN");
            assertThat(c.cmd("USER alice@example.com")).isEqualTo(REFUSED);
            assertThat(c.cmd("PASS " + Pop3TestServer.PASSWORD)).isEqualTo(REFUSED);
            assertThat(c.cmd("AUTH PLAIN " + Pop3TestClient.plain("alice@example.com", Pop3TestServer.PASSWORD)))
                    .isEqualTo(REFUSED);
            assertThat(c.cmd("AUTH")).startsWith("+OK");
            assertThat(c.readMultiline()).isEmpty();

            assertThat(c.cmd("STLS")).isEqualTo("+OK Begin TLS negotiation");
            c.startTls();
            assertThat(c.cmd("CAPA")).startsWith("+OK");
            assertThat(c.readMultiline()).contains("USER", "SASL PLAIN").doesNotContain("STLS");
            assertThat(c.cmd("STLS")).isEqualTo("-ERR TLS is already active");
            assertThat(c.login("alice@example.com", Pop3TestServer.PASSWORD)).startsWith("+OK Logged in, 1 messages");
            assertThat(c.cmd("RETR 1")).startsWith("+OK");
            assertThat(c.readMultiline()).contains("hi");
        }
        assertThat(server.counter("mailslot.errors", "kind", "plaintext")).isEqualTo(3);
    }

    @Test
    void implicitTlsListenerAllowsLoginAndOffersNoStls() throws IOException {
        start(PlaintextAuth.NEVER);
        try (Pop3TestClient c = Pop3TestClient.connectTls(server.tlsPort())) {
            assertThat(c.isSecure()).isTrue();
            assertThat(c.greeting).isEqualTo("+OK mail.example.com POP3 ready");
            assertThat(c.cmd("CAPA")).startsWith("+OK");
            assertThat(c.readMultiline()).contains("USER", "SASL PLAIN").doesNotContain("STLS");
            assertThat(c.cmd("STLS")).isEqualTo("-ERR TLS is already active");
            assertThat(c.cmd("AUTH PLAIN " + Pop3TestClient.plain("alice@example.com", Pop3TestServer.PASSWORD)))
                    .startsWith("+OK Logged in");
            assertThat(c.cmd("QUIT")).startsWith("+OK Logging out");
        }
    }

    @Test
    void stlsForgetsTheUserGivenBefore() throws IOException {
        start(PlaintextAuth.LOOPBACK);
        try (Pop3TestClient c = Pop3TestClient.connect(server.port())) {
            assertThat(c.cmd("USER alice@example.com")).isEqualTo("+OK");
            assertThat(c.cmd("STLS")).isEqualTo("+OK Begin TLS negotiation");
            c.startTls();
            assertThat(c.cmd("PASS " + Pop3TestServer.PASSWORD)).isEqualTo("-ERR No user name: send USER first");
        }
    }
}
