package org.mailslot.protocols.smtp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.core.config.ConfigNode;
import org.mailslot.core.net.Endpoint;
import org.mailslot.core.net.LineServer;
import org.mailslot.core.net.TlsMode;
import org.mailslot.directory.Account;
import org.mailslot.protocols.delivery.Ingest;
import org.mailslot.protocols.smtp.inbound.InboundChecks;
import org.mailslot.protocols.smtp.inbound.InboundSettings;
import org.mailslot.protocols.smtp.inbound.TestDnsServer;
import org.mailslot.protocols.smtp.inbound.TestSigner;
import org.mailslot.protocols.smtp.inbound.TestSpamd;
import org.mailslot.store.MessageMeta;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MX with its inbound checks, driven by Python's smtplib: SPF, DKIM and DMARC results in the stored message's
 * Authentication-Results, forged fields gone, DMARC p=reject refused with 550 when configured, p=quarantine and
 * spamd's spam (Debian's spamd, GTUBE) in the recipient's Junk. DNS comes from a server inside the test.
 */
class InboundSmtpTest {
    private static final String SEND = """
            import smtplib, sys
            port, sender, rcpt, path = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
            s = smtplib.SMTP('127.0.0.1', port, local_hostname='mail.example.org')
            try:
                s.sendmail(sender, [rcpt], open(path, 'rb').read())
                print(250)
            except smtplib.SMTPDataError as e:
                print(e.smtp_code, e.smtp_error.decode())
            s.quit()
            """;

    @TempDir
    Path dir;
    private SmtpHarness h;
    private TestDnsServer dns;
    private TestSigner signer;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        h = new SmtpHarness(dir, "");
        dns = new TestDnsServer()
                .txt("example.org", "v=spf1 ip4:127.0.0.0/8 -all")
                .txt("_dmarc.example.org", "v=DMARC1; p=reject")
                .txt("forged.example", "v=spf1 ip4:127.0.0.0/8 -all")
                .txt("quarantine.example", "v=spf1 ip4:192.0.2.0/24 -all")
                .txt("_dmarc.quarantine.example", "v=DMARC1; p=quarantine");
        signer = new TestSigner("example.org", "s1").publish(dns);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
        dns.close();
        h.close();
    }

    /** An MX listener with inbound checks configured by {@code yaml} (the inbound section). */
    private int mx(String yaml) throws IOException {
        InboundSettings inbound = InboundSettings.from(ConfigNode.parse("resolvers: [\"127.0.0.1:" + dns.port()
                + "\"]\ndns-timeout: 1s\n" + yaml));
        SmtpSettings settings = SmtpHarness.settings("spool-dir: " + h.spool + "\n", SmtpMode.MX);
        LineServer server = new LineServer("mx-inbound", new Endpoint("127.0.0.1", 0, TlsMode.NONE), settings.net(), h.tls,
                new SmtpService(SmtpMode.MX, settings, h.ctx, new Ingest(h.ctx), new InboundChecks(inbound, SmtpHarness.HOST)),
                h.meters).start();
        closing.add(server::close);
        return server.port();
    }

    private String send(int port, String sender, String rcpt, String message) throws Exception {
        Path file = Files.createTempFile(dir, "msg", ".eml");
        Files.writeString(file, message, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("python3", "-c", SEND, String.valueOf(port), sender, rcpt, file.toString())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    private static String message(String from, String subject, String body) {
        return "From: " + from + "\r\nTo: bob@example.com\r\nSubject: " + subject + "\r\nDate: Sun, 29 Nov 2026 02:00:00 +0000\r\n"
                + "Message-ID: <" + subject.replace(' ', '-') + "@test>\r\n\r\n" + body + "\r\n";
    }

    private List<String> bodies(Account a, String mailbox) {
        return h.messages(a, mailbox).stream().map((MessageMeta m) -> h.body(a, m)).toList();
    }

    @Test
    void authenticationResultsInTheStoredMessageAndForgedFieldsGone() throws Exception {
        int port = mx("");
        String signed = signer.sign(message("Alice <alice@example.org>", "lunch", "Lunch on Tuesday?"));
        String forged = "X-Spam-Flag: YES\r\nAuthentication-Results: mx.example.com; dmarc=pass header.from=bank.example\r\n"
                + "Authentication-Results: other.example; spf=fail\r\n";
        assertThat(send(port, "alice@example.org", "bob@example.com", forged + signed)).isEqualTo("250");

        List<String> inbox = bodies(h.bob, "INBOX");
        assertThat(inbox).hasSize(1);
        String stored = inbox.getFirst();
        assertThat(stored).startsWith("Authentication-Results: mx.example.com;\r\n\tspf=pass (client 127.0.0.1) smtp.mailfrom=example.org;\r\n"
                + "\tdkim=pass header.d=example.org header.s=s1 header.b=");
        assertThat(stored).contains("\tdmarc=pass (p=reject dis=none) header.from=example.org\r\nReceived: from mail.example.org ([127.0.0.1])");
        assertThat(stored).doesNotContain("X-Spam-Flag").doesNotContain("bank.example").contains("Authentication-Results: other.example; spf=fail");
        assertThat(bodies(h.bob, "Junk")).isEmpty();
    }

    @Test
    void dmarcRejectIsRefusedWhenConfiguredAndQuarantineGoesToJunk() throws Exception {
        int port = mx("dmarc-reject: true");
        String reply = send(port, "ceo@forged.example", "bob@example.com", message("CEO <ceo@example.org>", "wire money", "Now."));
        assertThat(reply).startsWith("550 5.7.1 Unauthenticated email from example.org is not accepted");
        assertThat(bodies(h.bob, "INBOX")).isEmpty();

        assertThat(send(port, "news@quarantine.example", "bob@example.com",
                message("news@quarantine.example", "offer", "Cheap."))).isEqualTo("250");
        List<String> junk = bodies(h.bob, "Junk");
        assertThat(junk).hasSize(1);
        assertThat(junk.getFirst()).startsWith("X-Spam-Flag: YES\r\nX-Spam-Status: Yes, tests=DMARC_QUARANTINE\r\n"
                + "Authentication-Results: mx.example.com;\r\n\tspf=fail");
        assertThat(bodies(h.bob, "INBOX")).isEmpty();

        int lenient = mx("");
        assertThat(send(lenient, "ceo@forged.example", "bob@example.com", message("CEO <ceo@example.org>", "wire money", "Now.")))
                .isEqualTo("250");
        assertThat(bodies(h.bob, "Junk")).hasSize(2).last().asString().contains("tests=DMARC_REJECT")
                .contains("dmarc=fail (p=reject dis=quarantine) header.from=example.org");
    }

    @Test
    void spamdsSpamLandsInJunkAndHamInTheInbox() throws Exception {
        TestSpamd spamd = TestSpamd.start(dir);
        closing.add(spamd);
        int port = mx("spamd: 127.0.0.1:" + spamd.port() + "\nspamd-timeout: 60s");
        assertThat(send(port, "alice@example.org", "bob@example.com",
                "X-Spam-Flag: NO\r\n" + message("alice@example.org", "gtube", TestSpamd.GTUBE))).isEqualTo("250");
        assertThat(send(port, "alice@example.org", "bob@example.com",
                signer.sign(message("Alice <alice@example.org>", "lunch", "Shall we have lunch on Tuesday at the usual place?"))))
                .isEqualTo("250");

        List<String> junk = bodies(h.bob, "Junk");
        assertThat(junk).hasSize(1);
        assertThat(junk.getFirst()).startsWith("X-Spam-Flag: YES\r\nX-Spam-Score: ").contains("X-Spam-Status: Yes, score=")
                .contains("GTUBE").doesNotContain("X-Spam-Flag: NO");
        List<String> inbox = bodies(h.bob, "INBOX");
        assertThat(inbox).hasSize(1);
        assertThat(inbox.getFirst()).startsWith("X-Spam-Score: ").contains("X-Spam-Status: No, score=").doesNotContain("X-Spam-Flag")
                .contains("dkim=pass");
    }
}
