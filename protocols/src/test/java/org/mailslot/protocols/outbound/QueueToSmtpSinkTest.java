package org.mailslot.protocols.outbound;

import org.mailslot.core.testing.TestClock;

import org.mailslot.core.testing.SmtpSink;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.core.config.ConfigNode;
import org.mailslot.store.MessageContent;
import org.mailslot.store.MessageMeta;
import org.mailslot.store.OutboundRecipient;
import org.mailslot.store.SlotStore;
import org.mailslot.store.StoreSettings;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queue runner with the real SMTP client ({@link RemoteTransport}) against Postfix's smtp-sink as the remote MX
 * hosts, named by a DNS server on loopback: one MX refuses for now (4xx to RCPT) and later takes the message, the
 * other refuses for good (5xx); the sender gets one report naming the second with its server's answer.
 */
class QueueToSmtpSinkTest {
    static final long ALICE = 1001;

    @Test
    void aDeferredRecipientIsDeliveredWhenItsMxRecoversAndARefusedOneIsReported(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        TestClock clock = TestClock.atRealTime();
        QueueSettings settings = QueueSettings.defaults().withBackoff(Duration.ofMinutes(1), Duration.ofMinutes(10));
        try (TestDns dns = new TestDns().mx("later.example", 10, "mx.later.example").a("mx.later.example", "127.0.0.12")
                .mx("never.example", 10, "mx.never.example").a("mx.never.example", "127.0.0.13");
             SmtpSink never = new SmtpSink("127.0.0.13", port, "mx.never.example", dir.resolve("never"), "-f", "RCPT");
             SlotStore store = SlotStore.open(dir.resolve("slot"), 5, StoreSettings.defaults())) {
            RemoteTransport transport = new RemoteTransport(OutboundSettings.from(ConfigNode.parse("""
                    helo-name: out.example.com
                    resolvers: ["127.0.0.1:%d"]
                    dns-timeout: 2s
                    port: %d
                    connect-timeout: 2s
                    command-timeout: 20s
                    """.formatted(dns.address().getPort(), port))),
                    DkimSignerTest.signer(DkimSignerTest.key("example.com", "out")));
            byte[] message = ("From: Alice <alice@example.com>\r\nTo: bob@later.example, carol@never.example\r\n"
                    + "Subject: queued\r\nMessage-ID: <queued-" + System.nanoTime() + "@example.com>\r\n\r\n"
                    + "Hello.\r\n.a line with a dot\r\n").getBytes(StandardCharsets.UTF_8);
            long id = store.submit(ALICE, "alice@example.com", List.of("bob@later.example", "carol@never.example"),
                    MessageContent.of(message), clock.instant(), clock.instant().plus(Duration.ofDays(5)), 0, true);
            clock.catchUp();
            try (QueueRunner runner = new QueueRunner(settings, () -> List.of(store), transport, "mail.example.com",
                    new SimpleMeterRegistry(), clock)) {
                try (SmtpSink later = new SmtpSink("127.0.0.12", port, "mx.later.example", dir.resolve("later1"),
                        "-r", "RCPT")) {
                    assertThat(runner.runOnce()).isEqualTo(1);
                    assertThat(later.messages()).isEmpty();
                }
                OutboundRecipient bob = store.outbound(id).orElseThrow().pending().getFirst();
                assertThat(bob.address()).isEqualTo("bob@later.example");
                assertThat(bob.diagnostic()).startsWith("450 4.3.0");
                assertThat(bob.remoteMta()).isEqualTo("mx.later.example[127.0.0.12]");

                try (SmtpSink later = new SmtpSink("127.0.0.12", port, "mx.later.example", dir.resolve("later2"))) {
                    clock.advance(Duration.ofMinutes(1));
                    assertThat(runner.runOnce()).isEqualTo(1);
                    assertThat(store.outbound(id)).isEmpty();
                    assertThat(later.messages()).singleElement().satisfies(m -> assertThat(m)
                            .contains("X-Mail-Args: <alice@example.com>", "X-Rcpt-Args: <bob@later.example>",
                                    "DKIM-Signature: ", "Subject: queued", "\n.a line with a dot") // smtp-sink: LF
                            .doesNotContain("carol@never.example>"));
                }
                assertThat(never.messages()).isEmpty();
            }
            List<MessageMeta> inbox = store.messages(store.mailbox(ALICE, "INBOX").orElseThrow().id());
            assertThat(inbox).hasSize(1);
            String report;
            try (InputStream in = store.openBody(inbox.getFirst().blobHash())) {
                report = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(report).contains("Final-Recipient: rfc822; carol@never.example\r\nAction: failed\r\n",
                    "Remote-MTA: dns; mx.never.example\r\n", "Diagnostic-Code: smtp; 5")
                    .doesNotContain("bob@later.example\r\nAction");
        }
    }
}
