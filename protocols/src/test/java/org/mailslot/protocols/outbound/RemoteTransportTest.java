package org.mailslot.protocols.outbound;

import org.mailslot.core.testing.SmtpSink;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.core.config.ConfigNode;
import org.mailslot.directory.DkimKey;
import org.mailslot.protocols.outbound.OutboundTransport.Envelope;
import org.mailslot.protocols.outbound.OutboundTransport.RecipientResult;
import org.mailslot.protocols.outbound.OutboundTransport.RecipientResult.Status;
import org.mailslot.store.MessageContent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Delivery to remote MX hosts end to end: a DNS server on loopback names the MX hosts, Postfix's smtp-sink plays
 * them on 127.0.0.2 (accepts), 127.0.0.3 (4xx to RCPT) and 127.0.0.4 (5xx to RCPT); nothing listens on 127.0.0.5.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteTransportTest {
    TestDns dns;
    SmtpSink ok;
    SmtpSink soft;
    SmtpSink hard;
    int port;
    DkimKey key;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        ok = new SmtpSink("127.0.0.2", port, "mx.ok.example", dir.resolve("ok"));
        soft = new SmtpSink("127.0.0.3", port, "mx.soft.example", dir.resolve("soft"), "-r", "RCPT");
        hard = new SmtpSink("127.0.0.4", port, "mx.hard.example", dir.resolve("hard"), "-f", "RCPT");
        dns = new TestDns()
                .mx("ok.example", 10, "mx.ok.example").a("mx.ok.example", "127.0.0.2")
                .mx("soft.example", 10, "mx.soft.example").a("mx.soft.example", "127.0.0.3")
                .mx("hard.example", 10, "mx.hard.example").a("mx.hard.example", "127.0.0.4")
                .mx("backup.example", 10, "dead.backup.example").a("dead.backup.example", "127.0.0.5")
                .mx("backup.example", 20, "mx.ok.example")
                .mx("dead.example", 10, "dead.backup.example")
                .mx("nullmx.example", 0, ".")
                .a("implicit.example", "127.0.0.2")
                .servfail("servfail.example");
        key = DkimSignerTest.key("example.com", "out");
    }

    @AfterAll
    void stop() {
        ok.close();
        soft.close();
        hard.close();
        dns.close();
    }

    private RemoteTransport transport(String extra) {
        OutboundSettings settings = OutboundSettings.from(ConfigNode.parse("""
                helo-name: out.example.com
                resolvers: ["127.0.0.1:%d"]
                dns-timeout: 2s
                port: %d
                connect-timeout: 2s
                command-timeout: 20s
                %s
                """.formatted(dns.address().getPort(), port, extra)));
        return new RemoteTransport(settings, DkimSignerTest.signer(key));
    }

    private static MessageContent message(String subject) {
        return MessageContent.of(("From: Alice <alice@example.com>\r\nTo: someone\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + subject + "@example.com>\r\n\r\nHello.\r\n.dot line\r\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static RecipientResult result(List<RecipientResult> results, String recipient) {
        return results.stream().filter(r -> r.recipient().equals(recipient)).findFirst().orElseThrow();
    }

    @Test
    void eachRecipientGetsItsServersAnswer(@TempDir Path dir) throws Exception {
        String subject = "mixed-" + System.nanoTime();
        List<String> rcpts = List.of("a@ok.example", "b@soft.example", "c@hard.example", "d@OK.example",
                "e@backup.example", "f@nullmx.example", "g@nowhere.example", "h@servfail.example", "i@dead.example",
                "j@implicit.example");
        List<RecipientResult> results = transport("").deliver(new Envelope("alice@example.com", rcpts), message(subject));

        assertThat(results).extracting(RecipientResult::recipient).containsExactlyElementsOf(rcpts);
        assertThat(result(results, "a@ok.example")).satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.DELIVERED);
            assertThat(r.code()).isEqualTo(250);
            assertThat(r.enhanced()).isEqualTo("2.0.0");
            assertThat(r.remoteMta()).isEqualTo("mx.ok.example[127.0.0.2]");
        });
        assertThat(result(results, "d@OK.example").status()).isEqualTo(Status.DELIVERED);
        assertThat(result(results, "b@soft.example")).satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.TEMPORARY);
            assertThat(r.code()).isEqualTo(450);
            assertThat(r.diagnostic()).startsWith("450 4.3.0");
            assertThat(r.remoteMta()).isEqualTo("mx.soft.example[127.0.0.3]");
        });
        assertThat(result(results, "c@hard.example")).satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.PERMANENT);
            assertThat(r.code()).isEqualTo(500);
            assertThat(r.enhanced()).isEqualTo("5.3.0");
        });
        assertThat(result(results, "e@backup.example")).satisfies(r -> { // first MX refuses connections: the backup takes it
            assertThat(r.status()).isEqualTo(Status.DELIVERED);
            assertThat(r.remoteMta()).isEqualTo("mx.ok.example[127.0.0.2]");
        });
        assertThat(result(results, "f@nullmx.example")).satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.PERMANENT);
            assertThat(r.code()).isZero();
            assertThat(r.enhanced()).isEqualTo("5.1.10");
            assertThat(r.remoteMta()).isNull();
        });
        assertThat(result(results, "g@nowhere.example").status()).isEqualTo(Status.PERMANENT);
        assertThat(result(results, "h@servfail.example").status()).isEqualTo(Status.TEMPORARY);
        assertThat(result(results, "i@dead.example")).satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.TEMPORARY);
            assertThat(r.code()).isZero();
            assertThat(r.diagnostic()).contains("no mail server of dead.example took the message")
                    .contains("cannot connect to dead.backup.example[127.0.0.5]:" + port + ": Connection refused");
        });
        assertThat(result(results, "j@implicit.example").status()).isEqualTo(Status.DELIVERED);

        // ok.example got one transaction for both its recipients, signed; the message arrived as sent
        await().atMost(Duration.ofSeconds(10)).until(() -> ok.messages().stream().filter(m -> m.contains(subject)).count() == 3);
        String dump = ok.messages().stream().filter(m -> m.contains(subject) && m.contains("<a@ok.example>")).findFirst().orElseThrow();
        assertThat(dump).contains("X-Rcpt-Args: <a@ok.example>", "X-Rcpt-Args: <d@OK.example>", "X-Helo-Args: out.example.com",
                "X-Mail-Args: <alice@example.com>\n", "\n.dot line\n"); // smtp-sink offers no SIZE; the message is 7-bit
        String sent = dump.substring(dump.indexOf("DKIM-Signature:")).replace("\n", "\r\n");
        byte[] wire = sent.getBytes(StandardCharsets.UTF_8);
        assertThat(DkimSignerTest.jdkim(wire, key)).containsExactly("example.com");
        assertThat(DkimSignerTest.dkimpy(dir, wire, key)).isTrue();
        assertThat(soft.messages()).isEmpty();
        assertThat(hard.messages()).isEmpty();
    }

    @Test
    void aSmarthostTakesEverythingWithoutMxLookups() throws IOException {
        String subject = "relayed-" + System.nanoTime();
        RemoteTransport relay = transport("smarthost: \"127.0.0.2:" + port + "\"\ndkim: false");
        List<RecipientResult> results = relay.deliver(new Envelope("", List.of("x@nullmx.example", "y@anything.test")),
                message(subject));
        assertThat(results).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(Status.DELIVERED);
            assertThat(r.remoteMta()).isEqualTo("127.0.0.2[127.0.0.2]");
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> ok.messages().stream().anyMatch(m -> m.contains(subject)));
        String dump = ok.messages().stream().filter(m -> m.contains(subject)).findFirst().orElseThrow();
        assertThat(dump).contains("X-Mail-Args: <>", "X-Rcpt-Args: <x@nullmx.example>", "X-Rcpt-Args: <y@anything.test>")
                .doesNotContain("DKIM-Signature");
    }

    @Test
    void smarthostCredentialsAreNeverSentWithoutTls() {
        RemoteTransport relay = transport("""
                smarthost: "127.0.0.2:%d"
                smarthost-user: relay-user
                smarthost-password: secret
                smarthost-tls: opportunistic
                """.formatted(port));
        List<RecipientResult> results = relay.deliver(new Envelope("alice@example.com", List.of("x@ok.example")),
                message("no-plaintext-auth"));
        assertThat(results.getFirst().status()).isEqualTo(Status.TEMPORARY);
        assertThat(results.getFirst().diagnostic()).contains("credentials are never sent in plaintext");
    }

    @Test
    void requiredTlsSkipsHostsWithoutIt() {
        List<RecipientResult> results = transport("tls: required")
                .deliver(new Envelope("alice@example.com", List.of("x@ok.example")), message("tls-required"));
        assertThat(results.getFirst().status()).isEqualTo(Status.TEMPORARY);
        assertThat(results.getFirst().diagnostic()).contains("TLS is required but the server does not offer STARTTLS");
    }
}
