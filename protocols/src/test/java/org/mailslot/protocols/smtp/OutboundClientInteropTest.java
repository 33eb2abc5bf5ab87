package org.mailslot.protocols.smtp;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.core.config.ConfigNode;
import org.mailslot.protocols.outbound.DkimSigner;
import org.mailslot.protocols.outbound.OutboundSettings;
import org.mailslot.protocols.outbound.OutboundTransport.Envelope;
import org.mailslot.protocols.outbound.OutboundTransport.RecipientResult;
import org.mailslot.protocols.outbound.RemoteTransport;
import org.mailslot.protocols.smtp.client.ClientSettings;
import org.mailslot.protocols.smtp.client.ClientTls;
import org.mailslot.protocols.smtp.client.SendResult;
import org.mailslot.protocols.smtp.client.SendResult.Stage;
import org.mailslot.protocols.smtp.client.SmtpClientException;
import org.mailslot.protocols.smtp.client.TlsInfo;
import org.mailslot.protocols.smtp.client.TlsPolicy;
import org.mailslot.store.MessageContent;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mailslot.protocols.smtp.client.SmtpClient.Protocol;

/**
 * The outbound SMTP/LMTP client ({@code smtp.client.SmtpClient}) against our own SMTP, submission and LMTP services
 * over real TCP: STARTTLS under each policy, AUTH PLAIN, and LMTP's reply per recipient.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboundClientInteropTest {
    SmtpHarness h;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        h = new SmtpHarness(dir, "message-size-limit: 200K\n");
    }

    @AfterAll
    void stop() {
        h.close();
    }

    private org.mailslot.protocols.smtp.client.SmtpClient connect(Protocol p, SmtpMode mode, String name)
            throws IOException {
        return org.mailslot.protocols.smtp.client.SmtpClient.connect(p, new InetSocketAddress("127.0.0.1", h.port(mode)),
                name, ClientSettings.defaults());
    }

    private static MessageContent message(String subject, String body) {
        return MessageContent.of(("Subject: " + subject + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void opportunisticTlsAcceptsTheSelfSignedCertificateAndRecordsThatItDidNotVerify() throws IOException {
        String subject = "tls-opportunistic-" + System.nanoTime();
        try (var c = connect(Protocol.SMTP, SmtpMode.MX, SmtpHarness.HOST)) {
            c.hello("out.example.net");
            assertThat(c.capabilities().startTls()).isTrue();
            TlsInfo tls = c.startTls(ClientTls.opportunistic()).orElseThrow();
            assertThat(tls.verified()).isFalse();
            assertThat(tls.verifyFailure()).isNotBlank();
            assertThat(tls.protocol()).startsWith("TLSv1.");
            assertThat(c.capabilities().startTls()).isFalse(); // the EHLO after TLS no longer offers it
            SendResult r = c.send("someone@remote.example", List.of("alice@example.com"), message(subject, ".dot\n"));
            assertThat(r.allDelivered()).isTrue();
            assertThat(c.quit().code()).isEqualTo(221);
        }
        assertThat(h.lastBody(h.alice)).contains("Subject: " + subject).endsWith("\r\n.dot\r\n").contains("ESMTPS");
    }

    @Test
    void requiredTlsVerifiesAgainstAGivenTrustAnchorAndTheServerName() throws IOException {
        ClientTls pinned = ClientTls.of(TlsPolicy.REQUIRED, ClientTls.trustAnchors(h.dir.resolve("tls/cert.pem"), null));
        try (var c = connect(Protocol.SMTP, SmtpMode.MX, SmtpHarness.HOST)) {
            c.hello("out.example.net");
            TlsInfo tls = c.startTls(pinned).orElseThrow();
            assertThat(tls.verified()).isTrue();
            assertThat(tls.verifyFailure()).isNull();
        }
        try (var c = connect(Protocol.SMTP, SmtpMode.MX, "other-name.example.org")) {
            c.hello("out.example.net");
            assertThatThrownBy(() -> c.startTls(pinned)).isInstanceOf(SmtpClientException.class)
                    .hasMessageContaining("TLS handshake failed");
        }
        try (var c = connect(Protocol.SMTP, SmtpMode.MX, SmtpHarness.HOST)) {
            c.hello("out.example.net");
            assertThatThrownBy(() -> c.startTls(ClientTls.required())).isInstanceOf(SmtpClientException.class)
                    .hasMessageContaining("TLS handshake failed");
        }
    }

    @Test
    void submissionWithStartTlsAndAuthPlain() throws IOException {
        String subject = "submitted-" + System.nanoTime();
        try (var c = connect(Protocol.SMTP, SmtpMode.SUBMISSION, SmtpHarness.HOST)) {
            c.hello("laptop.example.com");
            c.startTls(ClientTls.opportunistic()).orElseThrow();
            assertThat(c.capabilities().authMechanisms()).contains("PLAIN");
            assertThat(c.authPlain(null, "alice@example.com", "wrong").code()).isEqualTo(535);
            assertThat(c.authPlain("alice@example.com", "alice@example.com", SmtpHarness.PASSWORD).code()).isEqualTo(235);
            SendResult r = c.send("alice@example.com", List.of("bob@example.com"), message(subject, "hi\r\n"));
            assertThat(r.allDelivered()).isTrue();
        }
        assertThat(h.lastBody(h.bob)).contains("Subject: " + subject);
    }

    @Test
    void lmtpRepliesPerRecipientAfterData() throws IOException {
        String subject = "lmtp-" + System.nanoTime();
        int tightBefore = h.inbox(h.tight).size();
        try (var c = connect(Protocol.LMTP, SmtpMode.LMTP, "127.0.0.1")) {
            c.hello("front.example.com");
            assertThat(c.capabilities().pipelining()).isTrue();
            SendResult r = c.send("x@remote.example",
                    List.of("alice@example.com", "nobody@elsewhere.example", "tight@example.com", "bob@example.com"),
                    message(subject, "y".repeat(3000) + "\r\n"));
            // MAIL carries SIZE=, so the over-quota recipient is refused at RCPT already
            assertThat(r.recipients()).extracting(SendResult.RecipientReply::stage)
                    .containsExactly(Stage.DATA, Stage.RCPT, Stage.RCPT, Stage.DATA);
            assertThat(r.recipients()).extracting(x -> x.reply().code()).containsExactly(250, 550, 452, 250);
            assertThat(r.recipients().get(2).reply().enhanced()).isEqualTo("4.2.2");
            assertThat(r.recipients().get(0).reply().text()).startsWith("<alice@example.com> Ok: delivered as ");
            assertThat(r.recipients().get(3).reply().text()).startsWith("<bob@example.com> Ok: delivered as ");
            // the session goes on: a second transaction on the same connection
            assertThat(c.send("x@remote.example", List.of("carol@example.com"), message(subject, "two\r\n"))
                    .allDelivered()).isTrue();
        }
        assertThat(h.lastBody(h.alice)).contains("Subject: " + subject);
        assertThat(h.lastBody(h.bob)).contains("Subject: " + subject);
        assertThat(h.inbox(h.tight)).hasSize(tightBefore);
    }
    @Test
    void remoteTransportRelaysThroughASmarthostWithVerifiedTlsAndAuth() {
        String subject = "smarthost-" + System.nanoTime();
        String yaml = """
                helo-name: out.example.net
                smarthost: "127.0.0.1:%d"
                smarthost-user: alice@example.com
                smarthost-password: "%s"
                tls-trust-file: "%s"
                connect-timeout: 5s
                """.formatted(h.port(SmtpMode.SUBMISSION), SmtpHarness.PASSWORD, h.dir.resolve("tls/cert.pem"));
        RemoteTransport relay = new RemoteTransport(OutboundSettings.from(ConfigNode.parse(yaml)), DkimSigner.none());
        List<RecipientResult> results = relay.deliver(new Envelope("alice@example.com", List.of("bob@example.com")),
                message(subject, "relayed\r\n"));
        assertThat(results.getFirst().status()).as(results.toString()).isEqualTo(RecipientResult.Status.DELIVERED);
        assertThat(h.lastBody(h.bob)).contains("Subject: " + subject).contains("ESMTPSA");

        String wrong = yaml.replace(SmtpHarness.PASSWORD, "wrong password");
        List<RecipientResult> refused = new RemoteTransport(OutboundSettings.from(ConfigNode.parse(wrong)), DkimSigner.none())
                .deliver(new Envelope("alice@example.com", List.of("bob@example.com")), message(subject, "x\r\n"));
        assertThat(refused.getFirst().status()).isEqualTo(RecipientResult.Status.TEMPORARY);
        assertThat(refused.getFirst().diagnostic()).contains("AUTH refused: 535");
    }
}
