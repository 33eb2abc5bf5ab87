package org.mailslot.protocols.outbound;

import org.mailslot.core.testing.SmtpSink;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.protocols.smtp.client.ClientSettings;
import org.mailslot.protocols.smtp.client.SendResult;
import org.mailslot.protocols.smtp.client.SendResult.Stage;
import org.mailslot.protocols.smtp.client.SmtpClient;
import org.mailslot.protocols.smtp.client.SmtpClient.Protocol;
import org.mailslot.protocols.smtp.client.SmtpClientException;
import org.mailslot.store.MessageContent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The SMTP/LMTP client against Postfix's smtp-sink: a peer we did not write. */
class SmtpClientSinkTest {

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return probe.getLocalPort();
        }
    }

    private static MessageContent message(String subject, String body) {
        return MessageContent.of(("From: a@example.com\r\nSubject: " + subject + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void lmtpAgainstSmtpSink(@TempDir Path dir) throws Exception {
        int port = freePort();
        String subject = "lmtp-" + System.nanoTime();
        try (SmtpSink sink = new SmtpSink("127.0.0.1", port, "lmtp.sink", dir.resolve("dumps"), "-L");
             SmtpClient c = SmtpClient.connect(Protocol.LMTP, "127.0.0.1", port, ClientSettings.defaults())) {
            c.hello("front.example");
            assertThat(c.capabilities().pipelining()).isTrue();
            SendResult r = c.send("a@example.com", List.of("x@example.net", "y@example.net"),
                    message(subject, "\u00e9t\u00e9\n.leading dot\n"));
            assertThat(r.recipients()).allSatisfy(x -> {
                assertThat(x.stage()).isEqualTo(Stage.DATA);
                assertThat(x.reply().code()).isEqualTo(250);
            });
            assertThat(c.quit().code()).isEqualTo(221);
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.messages().stream().anyMatch(m -> m.contains(subject)));
            String dump = sink.messages().stream().filter(m -> m.contains(subject)).findFirst().orElseThrow();
            assertThat(dump).contains("X-Client-Proto: LMTP", "X-Mail-Args: <a@example.com> BODY=8BITMIME",
                    "X-Rcpt-Args: <x@example.net>", "X-Rcpt-Args: <y@example.net>", "\n.leading dot\n");
        }
    }

    @Test
    void refusalsAndADisconnectAtEachStage(@TempDir Path dir) throws Exception {
        int port = freePort();
        try (SmtpSink sink = new SmtpSink("127.0.0.1", port, "sink", dir.resolve("a"), "-f", "MAIL");
             SmtpClient c = SmtpClient.connect(Protocol.SMTP, "127.0.0.1", port, ClientSettings.defaults())) {
            c.hello("client.example");
            SendResult r = c.send("a@example.com", List.of("x@example.net"), message("m", "x\r\n"));
            assertThat(r.recipients().getFirst().stage()).isEqualTo(Stage.MAIL);
            assertThat(r.recipients().getFirst().reply().code()).isEqualTo(500);
        }
        port = freePort();
        try (SmtpSink sink = new SmtpSink("127.0.0.1", port, "sink", dir.resolve("b"), "-r", "DATA");
             SmtpClient c = SmtpClient.connect(Protocol.SMTP, "127.0.0.1", port, ClientSettings.defaults())) {
            c.hello("client.example");
            SendResult r = c.send("a@example.com", List.of("x@example.net"), message("d", "x\r\n"));
            assertThat(r.recipients().getFirst().stage()).isEqualTo(Stage.DATA);
            assertThat(r.recipients().getFirst().reply().code()).isEqualTo(450);
            assertThat(c.rset().code()).isEqualTo(250); // the session goes on
        }
        port = freePort();
        try (SmtpSink sink = new SmtpSink("127.0.0.1", port, "sink", dir.resolve("c"), "-q", "RCPT");
             SmtpClient c = SmtpClient.connect(Protocol.SMTP, "127.0.0.1", port, ClientSettings.defaults())) {
            c.hello("client.example");
            assertThatThrownBy(() -> c.send("a@example.com", List.of("x@example.net"), message("q", "x\r\n")))
                    .isInstanceOf(SmtpClientException.class)
                    .hasMessageContaining("server closed the connection without replying to RCPT TO:<x@example.net>");
        }
    }
}
