package org.mailslot.protocols.smtp;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Real clients against the engine: Angus Mail (Jakarta Mail) through submission, Python's smtplib and swaks as
 * subprocesses. swaks 20201014 has no BDAT; CHUNKING is covered by {@link SmtpServiceTest#bdatChunks}.
 * Without python3 or swaks the test fails, unless MAILSLOT_SKIP_EXTERNAL=1.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmtpExternalClientsTest {
    SmtpHarness h;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        h = new SmtpHarness(dir, "");
    }

    @AfterAll
    void stop() {
        h.close();
    }

    private boolean contains(org.mailslot.directory.Account a, String marker) {
        return h.inbox(a).stream().anyMatch(m -> h.body(a, m).contains(marker));
    }

    @Test
    void angusMailSubmitsWithStartTlsAndAuth() throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(h.port(SmtpMode.SUBMISSION)));
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.trust", "*");
        p.put("mail.smtp.localhost", "angus.example");
        Session session = Session.getInstance(p);
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("alice@example.com"));
        m.setRecipients(Message.RecipientType.TO, "bob@example.com");
        m.setSubject("angus-marker grüße", "UTF-8");
        m.setText("Hallo Bob, schöne Grüße\n.\nend", "UTF-8");
        Transport.send(m, "alice@example.com", SmtpHarness.PASSWORD);
        assertThat(contains(h.bob, "angus-marker")).isTrue();
        assertThat(h.messages(h.alice, "Sent")).isNotEmpty();
    }

    @Test
    void pythonSmtplib() throws Exception {
        String script = """
                import smtplib, ssl, sys
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                mx, sub = int(sys.argv[1]), int(sys.argv[2])
                s = smtplib.SMTP('127.0.0.1', mx, local_hostname='py.example')
                s.starttls(context=ctx); s.ehlo('py.example')
                assert s.has_extn('pipelining') and s.has_extn('chunking') and not s.has_extn('auth')
                try:
                    s.sendmail('py@remote.example', ['nobody@example.com'], b'Subject: x\\r\\n\\r\\nx\\r\\n')
                except smtplib.SMTPRecipientsRefused as e:
                    print('refused', e.recipients['nobody@example.com'][0])
                s.sendmail('py@remote.example', ['alice@example.com'], b'Subject: python-mx-marker\\r\\n\\r\\n.leading dot\\r\\n')
                s.quit()
                s = smtplib.SMTP('127.0.0.1', sub, local_hostname='py.example')
                s.starttls(context=ctx)
                try:
                    s.login('alice@example.com', 'wrong')
                except smtplib.SMTPAuthenticationError as e:
                    print('auth', e.smtp_code)
                s.login('alice@example.com', sys.argv[3])
                try:
                    s.sendmail('bob@example.com', ['carol@example.com'], b'Subject: forged\\r\\n\\r\\nx\\r\\n')
                except smtplib.SMTPSenderRefused as e:
                    print('sender', e.smtp_code)
                s.sendmail('alice@example.com', ['carol@example.com'], b'Subject: python-sub-marker\\r\\n\\r\\nhi\\r\\n')
                s.quit()
                print('done')
                """;
        Path file = Files.createTempFile("smtp", ".py");
        try {
            Files.writeString(file, script);
            String out = run(List.of("python3", file.toString(), String.valueOf(h.port(SmtpMode.MX)),
                    String.valueOf(h.port(SmtpMode.SUBMISSION)), SmtpHarness.PASSWORD), 0);
            assertThat(out).contains("refused 550", "auth 535", "sender 553", "done");
        } finally {
            Files.deleteIfExists(file);
        }
        assertThat(h.inbox(h.alice).stream().map(m -> h.body(h.alice, m))
                .filter(b -> b.contains("python-mx-marker")).findFirst().orElseThrow()).endsWith("\r\n.leading dot\r\n");
        assertThat(contains(h.carol, "python-sub-marker")).isTrue();
        assertThat(contains(h.carol, "Subject: forged")).isFalse();
    }

    @Test
    void swaksMxWithTlsAndPipelining() throws Exception {
        String out = run(List.of("swaks", "--server", "127.0.0.1", "--port", String.valueOf(h.port(SmtpMode.MX)),
                "--ehlo", "swaks.example", "--from", "swaks@remote.example", "--to", "alice@example.com,bob@example.com",
                "--tls", "--pipeline", "--header", "Subject: swaks-mx-marker", "--body", "via swaks"), 0);
        assertThat(out).contains("<~  250 2.0.0 Ok: delivered as");
        assertThat(contains(h.alice, "swaks-mx-marker")).isTrue();
        assertThat(contains(h.bob, "swaks-mx-marker")).isTrue();
    }

    @Test
    void swaksAuthIsRefusedOnMx() throws Exception {
        String out = run(List.of("swaks", "--server", "127.0.0.1", "--port", String.valueOf(h.port(SmtpMode.MX)),
                "--from", "alice@example.com", "--to", "bob@example.com", "--tls", "--auth", "PLAIN",
                "--auth-user", "alice@example.com", "--auth-password", SmtpHarness.PASSWORD), -1);
        assertThat(out).containsIgnoringCase("did not advertise");
    }

    @Test
    void swaksSubmissionAndLmtp() throws Exception {
        run(List.of("swaks", "--server", "127.0.0.1", "--port", String.valueOf(h.port(SmtpMode.SUBMISSION)),
                "--from", "alice@example.com", "--to", "carol@example.com", "--tls", "--auth", "LOGIN",
                "--auth-user", "alice@example.com", "--auth-password", SmtpHarness.PASSWORD,
                "--header", "Subject: swaks-sub-marker"), 0);
        assertThat(contains(h.carol, "swaks-sub-marker")).isTrue();
        String lmtp = run(List.of("swaks", "--protocol", "LMTP", "--server", "127.0.0.1", "--port",
                String.valueOf(h.port(SmtpMode.LMTP)), "--from", "mta@remote.example", "--to",
                "alice@example.com,bob@example.com", "--header", "Subject: swaks-lmtp-marker"), 0);
        assertThat(lmtp).contains("<alice@example.com> Ok: delivered", "<bob@example.com> Ok: delivered");
        assertThat(contains(h.bob, "swaks-lmtp-marker")).isTrue();
    }

    /** Runs a client; {@code expectedExit} -1 means "any non-zero". Returns stdout and stderr together. */
    private static String run(List<String> command, int expectedExit) throws Exception {
        requireTool(command.getFirst());
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(command.getFirst() + " did not finish");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (expectedExit >= 0) {
            assertThat(p.exitValue()).as(text).isEqualTo(expectedExit);
        } else {
            assertThat(p.exitValue()).as(text).isNotZero();
        }
        return text;
    }

    private static void requireTool(String tool) {
        boolean found = System.getenv("PATH") != null && java.util.Arrays.stream(System.getenv("PATH").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
        if (!found) {
            if ("1".equals(System.getenv("MAILSLOT_SKIP_EXTERNAL"))) {
                Assumptions.abort(tool + " is not installed (MAILSLOT_SKIP_EXTERNAL=1)");
            }
            fail(tool + " is not installed: install it (Debian package " + (tool.equals("swaks") ? "swaks" : "python3")
                    + ") or set MAILSLOT_SKIP_EXTERNAL=1 to skip the external-client tests");
        }
    }
}
