package org.mailslot.protocols.smtp;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Account;
import org.mailslot.store.MessageMeta;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The SMTP engine over real TCP against a real directory and real slot stores. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmtpServiceTest {
    static final String SETTINGS = """
            message-size-limit: 200K
            recipient-limit: 5
            spool-memory-limit: 4K
            """;

    SmtpHarness h;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        h = new SmtpHarness(dir, SETTINGS);
    }

    @AfterAll
    void stop() {
        h.close();
    }

    private static String unique(String what) {
        return what + "-" + System.nanoTime();
    }

    /** Greets with EHLO and returns the client ready for MAIL. */
    private SmtpClient greeted(SmtpMode mode) throws IOException {
        SmtpClient c = h.client(mode);
        assertThat(c.read()).startsWith("220 ");
        assertThat(c.cmd((mode == SmtpMode.LMTP ? "LHLO" : "EHLO") + " client.example")).startsWith("250-");
        return c;
    }

    private List<String> bodiesContaining(Account a, String marker) {
        return h.inbox(a).stream().map(m -> h.body(a, m)).filter(b -> b.contains(marker)).toList();
    }

    @Test
    void goldenMxTranscript() throws IOException {
        int before = h.inbox(h.alice).size();
        try (SmtpClient c = h.client(SmtpMode.MX)) {
            Transcript.play("mx-session.txt", c, Map.of());
        }
        List<MessageMeta> inbox = h.inbox(h.alice);
        assertThat(inbox).hasSize(before + 1);
        String stored = h.body(h.alice, inbox.getLast());
        assertThat(stored).matches("(?s)Received: from client\\.example \\(\\[127\\.0\\.0\\.1]\\)\r\n"
                + "\tby mx\\.example\\.com \\(mailslot\\) with ESMTP id [0-9A-F]+\r\n"
                + "\tfor <Alice@Example\\.COM>;\r\n\t[A-Z][a-z]{2}, \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d \\+0000\r\n"
                + "Subject: golden\r\n\r\n\\.dot\r\n");
    }

    @Test
    void goldenLmtpTranscriptAnswersPerRecipient() throws IOException {
        int alice = h.inbox(h.alice).size();
        int bob = h.inbox(h.bob).size();
        int full = h.inbox(h.tight).size();
        try (SmtpClient c = h.client(SmtpMode.LMTP)) {
            Transcript.play("lmtp-session.txt", c, Map.of("BIG", "y".repeat(3000)));
        }
        // alice is reached directly and through sales@: one copy; tight@ refused (its own reply)
        assertThat(h.inbox(h.alice)).hasSize(alice + 1);
        assertThat(h.inbox(h.bob)).hasSize(bob + 1);
        assertThat(h.inbox(h.tight)).hasSize(full);
        assertThat(h.lastBody(h.bob)).contains("with LMTP id");
    }

    @Test
    void wholeTransactionInOneWrite() throws IOException {
        String subject = unique("pipelined");
        try (SmtpClient c = greeted(SmtpMode.MX)) {
            c.send("MAIL FROM:<s@remote.example>\r\nRCPT TO:<alice@example.com>\r\nRCPT TO:<nobody@example.com>\r\n"
                    + "RCPT TO:<bob@example.com>\r\nDATA\r\nSubject: " + subject + "\r\n\r\nhi\r\n.\r\nQUIT\r\n");
            assertThat(c.read()).isEqualTo("250 2.1.0 Ok");
            assertThat(c.read()).isEqualTo("250 2.1.5 Ok");
            assertThat(c.read()).startsWith("550 5.1.1");
            assertThat(c.read()).isEqualTo("250 2.1.5 Ok");
            assertThat(c.read()).startsWith("354 ");
            assertThat(c.read()).startsWith("250 2.0.0 Ok: delivered as ");
            assertThat(c.read()).isEqualTo("221 2.0.0 Bye");
            assertThat(c.read()).isNull();
        }
        assertThat(bodiesContaining(h.alice, subject)).hasSize(1);
        assertThat(bodiesContaining(h.bob, subject)).hasSize(1);
        // two recipients: no "for" clause (it would disclose Bcc recipients)
        assertThat(bodiesContaining(h.bob, subject).getFirst()).doesNotContain("\tfor <");
    }

    @Test
    void dataIsStoredByteExactWithCrlf() throws IOException {
        String subject = unique("exact");
        String longLine = "L".repeat(100_000);
        String sent = "Subject: " + subject + "\r\n\r\n..one\r\n...two\r\nbare\rcr\r\nbare lf\n" + longLine + "\r\n\r\n. \r\n";
        String expected = "Subject: " + subject + "\r\n\r\n.one\r\n..two\r\nbare\rcr\r\nbare lf\r\n" + longLine + "\r\n\r\n \r\n";
        try (SmtpClient c = greeted(SmtpMode.MX)) {
            assertThat(c.cmd("MAIL FROM:<>")).startsWith("250");
            assertThat(c.cmd("RCPT TO:<carol@example.com>")).startsWith("250");
            assertThat(c.cmd("DATA")).startsWith("354");
            c.send(sent + ".\r\n");
            assertThat(c.read()).startsWith("250 2.0.0");
        }
        String stored = bodiesContaining(h.carol, subject).getFirst();
        assertThat(stored.substring(stored.indexOf("Subject: "))).isEqualTo(expected);
        h.awaitSpoolEmpty();
    }

    @Test
    void smugglingAttemptStaysInsideTheFirstMessage() throws IOException {
        String subject = unique("smuggle");
        int bob = h.inbox(h.bob).size();
        try (SmtpClient c = greeted(SmtpMode.MX)) {
            assertThat(c.cmd("MAIL FROM:<attacker@remote.example>")).startsWith("250");
            assertThat(c.cmd("RCPT TO:<alice@example.com>")).startsWith("250");
            assertThat(c.cmd("DATA")).startsWith("354");
            c.send("Subject: " + subject + "\r\n\r\nhello\n.\nMAIL FROM:<admin@example.com>\r\nRCPT TO:<bob@example.com>\r\n"
                    + "DATA\r\nSubject: smuggled\r\n\r\nx\r\n.\r\n");
            assertThat(c.read()).startsWith("250 2.0.0");
            c.send("\r.\r\nNOOP\r\n");
            assertThat(c.read()).isEqualTo("500 5.5.2 Invalid character in command");
            assertThat(c.read()).isEqualTo("250 2.0.0 Ok");
        }
        assertThat(h.inbox(h.bob)).hasSize(bob);
        String stored = bodiesContaining(h.alice, subject).getFirst();
        assertThat(stored).contains("hello\r\n\r\nMAIL FROM:<admin@example.com>\r\n").contains("Subject: smuggled");
    }

    @Test
    void bdatChunks() throws IOException {
        String subject = unique("chunked");
        String part1 = "Subject: " + subject + "\r\n\r\n";
        String part2 = "line one\nline two\r\n.\r\n";
        try (SmtpClient c = greeted(SmtpMode.MX)) {
            c.send("BDAT 5\r\nabcdeNOOP\r\n");
            assertThat(c.read()).isEqualTo("503 5.5.1 Need MAIL command");
            assertThat(c.read()).isEqualTo("250 2.0.0 Ok");
            assertThat(c.cmd("MAIL FROM:<s@remote.example> BODY=8BITMIME")).startsWith("250");
            assertThat(c.cmd("RCPT TO:<bob@example.com>")).startsWith("250");
            c.send("BDAT " + part1.length() + "\r\n" + part1 + "BDAT " + part2.length() + " LAST\r\n" + part2);
            assertThat(c.read()).isEqualTo("250 2.0.0 " + part1.length() + " octets received");
            assertThat(c.read()).startsWith("250 2.0.0 Ok: delivered as ");
            assertThat(c.cmd("MAIL FROM:<s@remote.example>")).startsWith("250");
            assertThat(c.cmd("RCPT TO:<bob@example.com>")).startsWith("250");
            c.send("BDAT 3\r\nabc");
            assertThat(c.read()).startsWith("250 2.0.0 3 octets");
            assertThat(c.cmd("DATA")).isEqualTo("503 5.5.1 DATA not allowed after BDAT");
            assertThat(c.cmd("RCPT TO:<alice@example.com>")).isEqualTo("503 5.5.1 RCPT not allowed after BDAT");
            assertThat(c.cmd("RSET")).startsWith("250");
            assertThat(c.cmd("BDAT x")).isEqualTo("501 5.5.4 Syntax: BDAT size [LAST]");
            assertThat(c.read()).isNull();
        }
        String stored = bodiesContaining(h.bob, subject).getFirst();
        assertThat(stored).contains("with ESMTP id").endsWith(part1 + "line one\r\nline two\r\n.\r\n");
        h.awaitSpoolEmpty();
    }

    @Test
    void sizeLimits() throws IOException {
        String big = ("z".repeat(998) + "\r\n").repeat(210); // over 200K
        try (SmtpClient c = greeted(SmtpMode.MX)) {
            assertThat(c.cmd("MAIL FROM:<s@remote.example> SIZE=204801")).startsWith("552 5.3.4");
            assertThat(c.cmd("MAIL FROM:<s@remote.example> SIZE=204800")).startsWith("250");
            assertThat(c.cmd("RCPT TO:<alice@example.com>")).startsWith("250");
            assertThat(c.cmd("DATA")).startsWith("354");
            c.send(big + ".\r\n");
            assertThat(c.read()).startsWith("552 5.3.4 Message size exceeds fixed limit");
            assertThat(c.cmd("NOOP")).startsWith("250");
            assertThat(c.cmd("MAIL FROM:<s@remote.example>")).startsWith("250");
            assertThat(c.cmd("RCPT TO:<alice@example.com>")).startsWith("250");
            c.send("BDAT " + big.length() + " LAST\r\n" + big);
            assertThat(c.read()).startsWith("552 5.3.4");
            assertThat(c.cmd("NOOP")).startsWith("250");
        }
        h.awaitSpoolEmpty();
    }

    @Test
    void recipientLimit() throws IOException {
        try (SmtpClient c = greeted(SmtpMode.MX)) {
            assertThat(c.cmd("MAIL FROM:<s@remote.example>")).startsWith("250");
            for (int i = 0; i < 5; i++) {
                assertThat(c.cmd("RCPT TO:<alice@example.com>")).startsWith("250");
            }
            assertThat(c.cmd("RCPT TO:<alice@example.com>")).isEqualTo("452 4.5.3 Too many recipients");
        }
    }

    @Test
    void aliasCatchAllAndPostmaster() throws IOException {
        String subject = unique("alias");
        try (SmtpClient c = greeted(SmtpMode.MX)) {
            assertThat(c.cmd("MAIL FROM:<s@remote.example>")).startsWith("250");
            assertThat(c.cmd("RCPT TO:<sales@example.com>")).startsWith("250");
            assertThat(c.cmd("RCPT TO:<alice@example.com>")).startsWith("250");
            assertThat(c.cmd("RCPT TO:<whoever@other.example>")).startsWith("250");
            assertThat(c.cmd("RCPT TO:<Postmaster>")).isEqualTo("550 5.1.1 <postmaster>: Recipient address rejected: User unknown");
            assertThat(c.cmd("DATA")).startsWith("354");
            c.send("Subject: " + subject + "\r\n\r\nx\r\n.\r\n");
            assertThat(c.read()).startsWith("250 2.0.0");
        }
        assertThat(bodiesContaining(h.alice, subject)).hasSize(1);
        assertThat(bodiesContaining(h.bob, subject)).hasSize(1);
        assertThat(bodiesContaining(h.carol, subject)).hasSize(1);
    }

    @Test
    void quota() throws IOException {
        String subject = unique("quota");
        String big = "Subject: " + subject + "\r\n\r\n" + "q".repeat(3000) + "\r\n.\r\n";
        try (SmtpClient c = greeted(SmtpMode.MX)) {
            assertThat(c.cmd("MAIL FROM:<s@remote.example>")).startsWith("250");
            assertThat(c.cmd("RCPT TO:<stuffed@example.com>")).isEqualTo("452 4.2.2 <stuffed@example.com>: Mailbox full, try again later");
            // a declared size that would not fit is refused at RCPT too
            assertThat(c.cmd("RSET")).startsWith("250");
            assertThat(c.cmd("MAIL FROM:<s@remote.example> SIZE=5000")).startsWith("250");
            assertThat(c.cmd("RCPT TO:<full@example.com>")).startsWith("452 4.2.2");
            assertThat(c.cmd("RSET")).startsWith("250");
            // the single recipient's quota is found at DATA time: 452 for the message
            assertThat(c.cmd("MAIL FROM:<s@remote.example>")).startsWith("250");
            assertThat(c.cmd("RCPT TO:<full@example.com>")).startsWith("250");
            assertThat(c.cmd("DATA")).startsWith("354");
            c.send(big);
            assertThat(c.read()).isEqualTo("452 4.2.2 Mailbox full, try again later");
            // with another recipient taking it, the full one gets it by grace (no duplicate, no loss)
            assertThat(c.cmd("MAIL FROM:<s@remote.example>")).startsWith("250");
            assertThat(c.cmd("RCPT TO:<full@example.com>")).startsWith("250");
            assertThat(c.cmd("RCPT TO:<carol@example.com>")).startsWith("250");
            assertThat(c.cmd("DATA")).startsWith("354");
            c.send(big);
            assertThat(c.read()).startsWith("250 2.0.0");
        }
        assertThat(bodiesContaining(h.full, subject)).hasSize(1);
        assertThat(bodiesContaining(h.carol, subject)).hasSize(1);
    }

    @Test
    void startTls() throws Exception {
        String subject = unique("tls");
        try (SmtpClient c = greeted(SmtpMode.MX)) {
            assertThat(c.cmd("STARTTLS")).isEqualTo("220 2.0.0 Ready to start TLS");
            c.startTls();
            assertThat(c.cmd("MAIL FROM:<s@remote.example>")).isEqualTo("503 5.5.1 Send HELO/EHLO first");
            String ehlo = c.cmd("EHLO client.example");
            assertThat(ehlo).doesNotContain("STARTTLS").doesNotContain("AUTH");
            assertThat(c.cmd("STARTTLS")).isEqualTo("503 5.5.1 TLS already active");
            assertThat(c.cmd("MAIL FROM:<s@remote.example>")).startsWith("250");
            assertThat(c.cmd("RCPT TO:<alice@example.com>")).startsWith("250");
            assertThat(c.cmd("DATA")).startsWith("354");
            c.send("Subject: " + subject + "\r\n\r\nx\r\n.\r\n");
            assertThat(c.read()).startsWith("250 2.0.0");
        }
        assertThat(bodiesContaining(h.alice, subject).getFirst()).contains("(using TLSv1.3 with cipher").contains("with ESMTPS id");
    }

    @Test
    void submission() throws Exception {
        String subject = unique("submitted");
        try (SmtpClient c = h.client(SmtpMode.SUBMISSION)) {
            assertThat(c.read()).startsWith("220 ");
            assertThat(c.cmd("EHLO laptop")).contains("STARTTLS").doesNotContain("AUTH");
            assertThat(c.cmd("MAIL FROM:<alice@example.com>")).isEqualTo("530 5.7.0 Authentication required");
            assertThat(c.cmd("AUTH PLAIN " + plain("alice@example.com", SmtpHarness.PASSWORD))).startsWith("538 5.7.11");
            assertThat(c.cmd("STARTTLS")).startsWith("220");
            c.startTls();
            assertThat(c.cmd("EHLO laptop")).contains("250-AUTH PLAIN LOGIN");
            assertThat(c.cmd("AUTH PLAIN " + plain("alice@example.com", "wrong"))).isEqualTo("535 5.7.8 Authentication credentials invalid");
            assertThat(c.cmd("AUTH PLAIN")).isEqualTo("334 ");
            assertThat(c.cmd("*")).isEqualTo("501 5.7.0 Authentication cancelled");
            assertThat(c.cmd("AUTH PLAIN !!!notbase64")).startsWith("501 5.5.2");
            assertThat(c.cmd("AUTH PLAIN =")).startsWith("501 5.5.2");
            assertThat(c.cmd("AUTH CRAM-MD5")).startsWith("504 5.5.4");
            assertThat(c.cmd("AUTH LOGIN")).isEqualTo("334 VXNlcm5hbWU6");
            assertThat(c.cmd(b64("alice@example.com"))).isEqualTo("334 UGFzc3dvcmQ6");
            assertThat(c.cmd(b64(SmtpHarness.PASSWORD))).isEqualTo("235 2.7.0 Authentication successful");
            assertThat(c.cmd("AUTH PLAIN x")).isEqualTo("503 5.5.1 Already authenticated");
            assertThat(c.cmd("MAIL FROM:<bob@example.com>")).startsWith("553 5.7.1");
            assertThat(c.cmd("MAIL FROM:<>")).startsWith("553 5.7.1");
            assertThat(c.cmd("MAIL FROM:<alice@example.com> AUTH=<>")).startsWith("250");
            // remote recipients go to the outbound queue too; unknown local users are refused at once
            assertThat(c.cmd("RCPT TO:<friend@remote.example>")).startsWith("250");
            assertThat(c.cmd("RCPT TO:<nobody@example.com>")).startsWith("550 5.1.1");
            assertThat(c.cmd("RCPT TO:<bob@example.com>")).startsWith("250");
            assertThat(c.cmd("DATA")).startsWith("354");
            c.send("From: Alice <alice@example.com>\r\nSubject: " + subject + "\r\n\r\nhello bob\r\n.\r\n");
            assertThat(c.read()).startsWith("250 2.0.0 Ok: queued as ");
            // the author must be the user too (RFC 6409 8.1)
            assertThat(c.cmd("MAIL FROM:<alice@example.com>")).startsWith("250");
            assertThat(c.cmd("RCPT TO:<bob@example.com>")).startsWith("250");
            assertThat(c.cmd("DATA")).startsWith("354");
            c.send("From: bob@example.com\r\nSubject: forged author\r\n\r\nhi\r\n.\r\n");
            assertThat(c.read()).startsWith("553 5.7.1 From <bob@example.com> is not an address of alice@example.com");
            // an alias that reaches alice is hers to send from
            assertThat(c.cmd("MAIL FROM:<sales@example.com>")).startsWith("250");
        }
        assertThat(bodiesContaining(h.bob, subject).getFirst()).contains("with ESMTPSA id");
        List<MessageMeta> sent = h.messages(h.alice, "Sent").stream()
                .filter(m -> h.body(h.alice, m).contains(subject)).toList();
        assertThat(sent).hasSize(1);
        assertThat(sent.getFirst().flags()).contains("\\Seen");
    }

    @Test
    void tooManyBadCommandsCloses() throws IOException {
        try (SmtpClient c = greeted(SmtpMode.MX)) {
            StringBuilder junk = new StringBuilder();
            for (int i = 0; i < 25; i++) {
                junk.append("JUNK ").append(i).append("\r\n");
            }
            c.send(junk.toString());
            String all = c.drain();
            assertThat(all.lines().filter(l -> l.startsWith("500 ")).count()).isEqualTo(20);
            assertThat(all).endsWith("421 4.7.0 mx.example.com Too many errors, closing connection\r\n");
        }
    }

    @Test
    void httpRequestIsRefusedAndClosed() throws IOException {
        try (SmtpClient c = h.client(SmtpMode.MX)) {
            assertThat(c.read()).startsWith("220");
            c.send("GET / HTTP/1.1\r\nHost: mx.example.com\r\n\r\n");
            assertThat(c.read()).isEqualTo("554 5.7.0 This is a mail server, not a web proxy");
            assertThat(c.read()).isNull();
        }
    }

    @Test
    void overlongCommandLineAndNulBytes() throws IOException {
        try (SmtpClient c = greeted(SmtpMode.MX)) {
            assertThat(c.cmd("NOOP " + "x".repeat(5000))).isEqualTo("500 5.5.2 Line too long");
            assertThat(c.cmd("MAIL FROM:<a\0b@remote.example>")).isEqualTo("500 5.5.2 Invalid character in command");
            assertThat(c.cmd("MAIL FROM:<a@remote.example>")).startsWith("250");
        }
    }

    @Test
    void concurrentDeliveries() throws Exception {
        String marker = unique("concurrent");
        List<Account> targets = List.of(h.alice, h.bob, h.carol);
        Map<Long, Integer> before = new java.util.HashMap<>();
        targets.forEach(a -> before.put(a.id(), bodiesContaining(a, marker).size()));
        try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < 20; t++) {
                int thread = t;
                all.add(pool.submit(() -> {
                    try (SmtpClient c = greeted(SmtpMode.MX)) {
                        for (int m = 0; m < 20; m++) {
                            Account to = targets.get((thread + m) % 3);
                            c.send("MAIL FROM:<s@remote.example>\r\nRCPT TO:<" + to.address() + ">\r\nDATA\r\n");
                            assertThat(c.read()).startsWith("250");
                            assertThat(c.read()).startsWith("250");
                            assertThat(c.read()).startsWith("354");
                            c.send("Subject: " + marker + " " + thread + "/" + m + "\r\n\r\nbody\r\n.\r\n");
                            assertThat(c.read()).startsWith("250 2.0.0");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        }
        int total = targets.stream().mapToInt(a -> bodiesContaining(a, marker).size()).sum();
        assertThat(total).isEqualTo(400);
    }

    static String plain(String user, String password) {
        return b64("\0" + user + "\0" + password);
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
