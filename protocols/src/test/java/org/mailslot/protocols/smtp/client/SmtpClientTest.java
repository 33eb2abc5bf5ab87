package org.mailslot.protocols.smtp.client;

import org.junit.jupiter.api.Test;
import org.mailslot.protocols.smtp.client.SendResult.Stage;
import org.mailslot.protocols.smtp.client.SmtpClient.Protocol;
import org.mailslot.store.MessageContent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client's wire behaviour against scripted servers: exact bytes sent, replies parsed, broken servers survived. */
class SmtpClientTest {
    static final String EHLO = "250-sink.example Hello\r\n250-PIPELINING\r\n250-SIZE 10000\r\n250-8BITMIME\r\n"
            + "250-SMTPUTF8\r\n250-ENHANCEDSTATUSCODES\r\n250-AUTH PLAIN LOGIN\r\n250 STARTTLS\r\n";
    static final String PLAIN_EHLO = "250-sink.example\r\n250 ENHANCEDSTATUSCODES\r\n";
    static final ClientSettings QUICK = ClientSettings.defaults()
            .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5));

    static MessageContent text(String s) {
        return MessageContent.of(s.getBytes(StandardCharsets.UTF_8));
    }

    static SmtpClient connect(ScriptedServer s, Protocol p, ClientSettings settings) throws IOException {
        return SmtpClient.connect(p, "127.0.0.1", s.port(), settings);
    }

    /** Greets, answers EHLO with {@code ehlo}, then runs {@code rest}. */
    static ScriptedServer server(String ehlo, ScriptedServer.Script rest) throws IOException {
        return new ScriptedServer(p -> {
            p.send("220 sink.example ESMTP\r\n");
            p.line();
            p.send(ehlo);
            rest.run(p);
        });
    }

    @Test
    void ehloRepliesBecomeCapabilities() throws Exception {
        try (var s = server(EHLO, p -> p.line()); var c = connect(s, Protocol.SMTP, QUICK)) {
            assertThat(c.greeting()).isEqualTo(new ClientReply(220, null, List.of("sink.example ESMTP")));
            ClientReply r = c.hello("client.example");
            assertThat(r.code()).isEqualTo(250);
            assertThat(r.lines()).hasSize(8);
            Capabilities caps = c.capabilities();
            assertThat(caps.pipelining()).isTrue();
            assertThat(caps.startTls()).isTrue();
            assertThat(caps.eightBitMime()).isTrue();
            assertThat(caps.smtpUtf8()).isTrue();
            assertThat(caps.sizeLimit()).hasValue(10000);
            assertThat(caps.authMechanisms()).containsExactly("LOGIN", "PLAIN");
            assertThat(caps.has("enhancedstatuscodes")).isTrue();
            assertThat(caps.has("DSN")).isFalse();
            assertThat(s.received).containsExactly("EHLO client.example");
        }
    }

    @Test
    void enhancedStatusCodesAreSeparatedFromEveryLine() throws Exception {
        try (var s = server(PLAIN_EHLO, p -> {
            p.line();
            p.send("550-5.1.1 No such user\r\n550-5.1.1 really none\r\n550 5.1.1 here\r\n");
            p.line();
            p.send("451 4.3.0\r\n");
            p.line();
        }); var c = connect(s, Protocol.SMTP, QUICK)) {
            c.hello("client.example");
            SendResult r = c.send("a@example.com", List.of("x@example.net"), text("x\r\n"));
            ClientReply bare = c.send("a@example.com", List.of("x@example.net"), text("x\r\n")).recipients().getFirst().reply();
            assertThat(bare).isEqualTo(new ClientReply(451, "4.3.0", List.of("")));
            ClientReply mail = r.recipients().getFirst().reply();
            assertThat(mail).isEqualTo(new ClientReply(550, "5.1.1", List.of("No such user", "really none", "here")));
            assertThat(mail.isPermanent()).isTrue();
            assertThat(mail.toString()).isEqualTo("550 5.1.1 No such user really none here");
            assertThat(r.recipients().getFirst().stage()).isEqualTo(Stage.MAIL);
        }
    }

    @Test
    void ehloRefusedFallsBackToHelo() throws Exception {
        try (var s = server("502 5.5.1 EHLO not implemented\r\n", p -> {
            p.line();
            p.send("250 sink.example\r\n");
            p.line();
        }); var c = connect(s, Protocol.SMTP, QUICK)) {
            assertThat(c.hello("client.example").code()).isEqualTo(250);
            assertThat(c.capabilities()).isEqualTo(Capabilities.NONE);
            assertThat(s.received).containsExactly("EHLO client.example", "HELO client.example");
        }
    }

    @Test
    void pipelinedTransactionSendsMailAndRcptsInOneBurstAndStreamsDotStuffedData() throws Exception {
        String payload;
        try (var s = server(EHLO, p -> {
            p.line();
            p.line();
            p.line();
            p.line(); // MAIL and three RCPTs arrive before the first reply goes out
            p.send("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 Unknown\r\n250 2.1.5 Ok\r\n");
            p.line();
            p.send("354 go on\r\n");
            p.received.add(p.dataPayload());
            p.send("250 2.0.0 queued as 42\r\n");
            p.line();
            p.send("221 bye\r\n");
        }); var c = connect(s, Protocol.SMTP, QUICK)) {
            c.hello("client.example");
            SendResult r = c.send("a@example.com", List.of("b@example.net", "nobody@example.net", "c@example.net"),
                    text("Subject: t\n\n.starts with a dot\r\nbare\rcr\n..two\nlast line"));
            assertThat(r.recipients()).extracting(SendResult.RecipientReply::delivered).containsExactly(true, false, true);
            assertThat(r.recipients().get(1).stage()).isEqualTo(Stage.RCPT);
            assertThat(r.recipients().get(1).reply().enhanced()).isEqualTo("5.1.1");
            assertThat(r.recipients().get(2).reply().text()).isEqualTo("queued as 42");
            assertThat(c.quit().code()).isEqualTo(221);
            payload = s.received.get(6);
        }
        assertThat(payload).isEqualTo("Subject: t\r\n\r\n..starts with a dot\r\nbare\r\ncr\r\n...two\r\nlast line\r\n.\r\n");
    }

    @Test
    void mailParametersFollowTheServersExtensionsAndTheMessage() throws Exception {
        try (var s = server(EHLO, p -> {
            p.line();
            p.line();
            p.send("250 Ok\r\n250 Ok\r\n");
            p.line();
            p.send("354 go\r\n");
            p.dataPayload();
            p.send("250 Ok\r\n");
            p.line();
        }); var c = connect(s, Protocol.SMTP, QUICK)) {
            c.hello("client.example");
            MessageContent eightBit = text("Subject: caf\u00e9\r\n\r\n\u00e9t\u00e9\r\n");
            assertThat(c.send("a@example.com", List.of("j\u00fcrgen@example.de"), eightBit).allDelivered()).isTrue();
            assertThat(s.received.get(1)).isEqualTo("MAIL FROM:<a@example.com> SIZE=" + eightBit.size()
                    + " BODY=8BITMIME SMTPUTF8");
            assertThat(s.received.get(2)).isEqualTo("RCPT TO:<j\u00fcrgen@example.de>");
        }
    }

    @Test
    void aMessageTheServerCannotTakeIsNotSent() throws Exception {
        try (var s = server(PLAIN_EHLO.replace("250 ENH", "250-SIZE 100\r\n250 ENH"), p -> {
            p.line();
            p.send("221 bye\r\n");
        }); var c = connect(s, Protocol.SMTP, QUICK)) {
            c.hello("client.example");
            SendResult utf8 = c.send("a@example.com", List.of("j\u00fcrgen@example.de"), text("x\r\n"));
            assertThat(utf8.recipients().getFirst().stage()).isEqualTo(Stage.LOCAL);
            assertThat(utf8.recipients().getFirst().reply().enhanced()).isEqualTo("5.6.7");
            SendResult big = c.send("a@example.com", List.of("b@example.net"), text("x".repeat(200)));
            assertThat(big.recipients().getFirst().reply().code()).isEqualTo(552);
            assertThat(big.recipients().getFirst().reply().enhanced()).isEqualTo("5.3.4");
            c.quit();
            assertThat(s.received).containsExactly("EHLO client.example", "QUIT");
        }
    }

    @Test
    void withoutPipeliningARefusedMailSendsNoRcptAndAllRefusedRcptsAreReset() throws Exception {
        try (var s = server(PLAIN_EHLO, p -> {
            p.line();
            p.send("451 4.3.0 try later\r\n");
            p.line();
            p.send("250 Ok\r\n");
            p.line();
            p.send("450 4.2.0 busy\r\n");
            p.line();
            p.send("250 reset\r\n");
            p.line();
        }); var c = connect(s, Protocol.SMTP, QUICK)) {
            c.hello("client.example");
            SendResult first = c.send("a@example.com", List.of("b@example.net", "c@example.net"), text("x\r\n"));
            assertThat(first.recipients()).allSatisfy(r -> {
                assertThat(r.stage()).isEqualTo(Stage.MAIL);
                assertThat(r.reply().isTransient()).isTrue();
            });
            SendResult second = c.send("a@example.com", List.of("b@example.net"), text("x\r\n"));
            assertThat(second.recipients().getFirst().reply().code()).isEqualTo(450);
            assertThat(s.received).containsExactly("EHLO client.example", "MAIL FROM:<a@example.com>",
                    "MAIL FROM:<a@example.com>", "RCPT TO:<b@example.net>", "RSET");
        }
    }

    @Test
    void lmtpGivesEachAcceptedRecipientItsOwnReply() throws Exception {
        try (var s = new ScriptedServer(p -> {
            p.send("220 lmtp.example LMTP\r\n");
            p.line();
            p.send("250-lmtp.example\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES\r\n");
            p.line();
            p.line();
            p.line();
            p.line();
            p.send("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 unknown\r\n250 2.1.5 Ok\r\n");
            p.line();
            p.send("354 go\r\n");
            p.dataPayload();
            p.send("250 2.0.0 <a> delivered\r\n452 4.2.2 <c> over quota\r\n");
            p.line();
        }); var c = connect(s, Protocol.LMTP, QUICK)) {
            c.hello("front.example");
            SendResult r = c.send("x@example.net", List.of("a@example.com", "b@example.com", "c@example.com"),
                    text("Subject: hi\r\n\r\nbody\r\n"));
            assertThat(r.recipients()).extracting(x -> x.reply().code()).containsExactly(250, 550, 452);
            assertThat(r.recipients()).extracting(SendResult.RecipientReply::stage)
                    .containsExactly(Stage.DATA, Stage.RCPT, Stage.DATA);
            assertThat(s.received.getFirst()).isEqualTo("LHLO front.example");
        }
    }

    @Test
    void authPlainSendsAuthzidAuthcidAndPasswordAsOneInitialResponse() throws Exception {
        try (var s = server(EHLO, p -> {
            p.line();
            p.send("235 2.7.0 Authentication successful\r\n");
            p.line();
            p.send("334 \r\n");
            p.line();
            p.send("501 5.7.0 cancelled\r\n");
            p.line();
        }); var c = connect(s, Protocol.SMTP, QUICK)) {
            c.hello("front.example");
            assertThat(c.authPlain("alice@example.com", "front-proxy", "s3cr\u00e9t").code()).isEqualTo(235);
            assertThat(c.authPlain(null, "bob", "pw").code()).isEqualTo(501);
            String wire = s.received.get(1);
            assertThat(wire).startsWith("AUTH PLAIN ");
            assertThat(new String(Base64.getDecoder().decode(wire.substring(11)), StandardCharsets.UTF_8))
                    .isEqualTo("alice@example.com\0front-proxy\0s3cr\u00e9t");
            assertThat(new String(Base64.getDecoder().decode(s.received.get(2).substring(11)), StandardCharsets.UTF_8))
                    .isEqualTo("\0bob\0pw");
            assertThat(s.received.get(3)).isEqualTo("*");
        }
    }

    @Test
    void aRefusedGreetingEndsTheSessionWithTheReply() throws Exception {
        try (var s = new ScriptedServer(p -> {
            p.send("554 5.7.1 go away\r\n");
            p.line();
        })) {
            assertThatThrownBy(() -> connect(s, Protocol.SMTP, QUICK))
                    .isInstanceOf(SmtpClientException.class)
                    .hasMessageContaining("refused the session: 554 5.7.1 go away")
                    .satisfies(e -> assertThat(((SmtpClientException) e).reply().code()).isEqualTo(554));
        }
    }

    @Test
    void garbageIsAProtocolError() throws Exception {
        assertBrokenGreeting("HTTP/1.1 400 Bad Request\r\n", "malformed reply line to the greeting: \"HTTP/1.1 400");
        assertBrokenGreeting("220\tbad separator\r\n", "malformed reply line");
        assertBrokenGreeting("220-one\r\n250 two\r\n", "mixes codes 220 and 250");
        assertBrokenGreeting("999 nine\r\n", "malformed reply line");
    }

    @Test
    void aHugeReplyLineOrTooManyLinesIsRefusedWithoutReadingItAll() throws Exception {
        ClientSettings small = new ClientSettings(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), 100, 10);
        try (var s = new ScriptedServer(p -> p.send("220 " + "x".repeat(1_000_000)))) {
            assertThatThrownBy(() -> connect(s, Protocol.SMTP, small))
                    .hasMessageContaining("reply line to the greeting is longer than 100 octets");
        }
        try (var s = new ScriptedServer(p -> {
            while (true) {
                p.send("220-more\r\n");
            }
        })) {
            assertThatThrownBy(() -> connect(s, Protocol.SMTP, small))
                    .hasMessageContaining("reply to the greeting has more than 10 lines");
        }
        try (var s = new ScriptedServer(p -> {
            p.send("220 " + "x".repeat(96) + "\r\n");
            p.line();
        }); var c = connect(s, Protocol.SMTP, small)) {
            assertThat(c.greeting().text()).hasSize(96); // a line of exactly the limit is fine
        }
    }

    @Test
    void aServerThatClosesOrFallsSilentEndsTheSessionWithAClearError() throws Exception {
        try (var s = new ScriptedServer(p -> p.send("220-first line\r\n220-second"))) {
            assertThatThrownBy(() -> connect(s, Protocol.SMTP, QUICK))
                    .hasMessageContaining("closed the connection in the middle of its reply to the greeting");
        }
        try (var s = server(EHLO, p -> {
            p.line();
            p.line();
        }); var c = connect(s, Protocol.SMTP, QUICK)) {
            c.hello("client.example");
            assertThatThrownBy(() -> c.send("a@example.com", List.of("b@example.net"), text("x")))
                    .isInstanceOf(SmtpClientException.class)
                    .hasMessageContaining("without replying to MAIL FROM");
            assertThatThrownBy(c::rset).hasMessageContaining("the session is over");
        }
        ClientSettings impatient = QUICK.withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(300), Duration.ofSeconds(5));
        try (var s = new ScriptedServer(p -> {
            p.send("220 sink.example\r\n");
            p.line();
            p.in.read(); // no reply: waits for the client to give up and close
        }); var c = connect(s, Protocol.SMTP, impatient)) {
            assertThatThrownBy(() -> c.hello("client.example")).hasMessageContaining("no reply to EHLO within 300ms");
        }
    }

    @Test
    void aServerThatStopsReadingDuringDataIsCutOffAtTheDataTimeout() throws Exception {
        ClientSettings shortData = QUICK.withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(1));
        try (var s = server(EHLO.replace("SIZE 10000", "SIZE"), p -> {
            p.line();
            p.line();
            p.send("250 Ok\r\n250 Ok\r\n");
            p.line();
            p.send("354 go\r\n");
            p.in.read(); // then reads no more until the client closes
            while (p.in.read(new byte[65536]) >= 0) {
                // drain after the close
            }
        }); var c = connect(s, Protocol.SMTP, shortData)) {
            c.hello("client.example");
            byte[] big = new byte[64 << 20];
            java.util.Arrays.fill(big, (byte) 'x');
            assertThatThrownBy(() -> c.send("a@example.com", List.of("b@example.net"), MessageContent.of(big)))
                    .isInstanceOf(SmtpClientException.class)
                    .hasMessageContaining("DATA not done within 1s");
        }
    }

    @Test
    void dataSentAfterTheStartTlsReplyIsRefused() throws Exception {
        try (var s = server(EHLO, p -> {
            p.line();
            p.send("220 2.0.0 go ahead\r\n250 injected\r\n");
            p.line();
        }); var c = connect(s, Protocol.SMTP, QUICK)) {
            c.hello("client.example");
            assertThatThrownBy(() -> c.startTls(ClientTls.opportunistic()))
                    .hasMessageContaining("server sent data after its STARTTLS reply");
        }
    }

    @Test
    void requiredTlsFailsWhenNotOfferedAndOpportunisticStaysPlain() throws Exception {
        try (var s = server(PLAIN_EHLO, p -> p.line()); var c = connect(s, Protocol.SMTP, QUICK)) {
            c.hello("client.example");
            assertThat(c.startTls(ClientTls.opportunistic())).isEmpty();
            assertThat(c.startTls(ClientTls.none())).isEmpty();
            assertThatThrownBy(() -> c.startTls(ClientTls.required()))
                    .hasMessageContaining("TLS is required but the server does not offer STARTTLS");
        }
    }

    @Test
    void commandArgumentsCannotSmuggleLines() throws Exception {
        try (var s = server(EHLO, p -> p.line()); var c = connect(s, Protocol.SMTP, QUICK)) {
            assertThatThrownBy(() -> c.hello("x\r\nMAIL FROM:<>")).isInstanceOf(IllegalArgumentException.class);
            c.hello("client.example");
            assertThatThrownBy(() -> c.send("a@example.com", List.of("b@example.net>\r\nDATA"), text("x")))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static void assertBrokenGreeting(String greeting, String message) throws Exception {
        try (var s = new ScriptedServer(p -> {
            p.send(greeting);
            p.line();
        })) {
            assertThatThrownBy(() -> connect(s, Protocol.SMTP, QUICK))
                    .isInstanceOf(SmtpClientException.class)
                    .hasMessageContaining(message);
        }
    }
}
