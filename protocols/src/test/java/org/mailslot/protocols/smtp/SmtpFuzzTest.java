package org.mailslot.protocols.smtp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bounded fuzzing over TCP: mutated command lines, random bytes, NUL bytes, overlong lines and an oversized DATA.
 * Every line the server sends must be a well-formed reply (no stack trace, no exception text), and a normal
 * transaction must still work afterwards.
 */
class SmtpFuzzTest {
    private static final List<String> SEEDS = List.of("EHLO fuzz.example", "HELO x", "MAIL FROM:<a@remote.example> SIZE=10",
            "MAIL FROM:<>", "RCPT TO:<alice@example.com>", "RCPT TO:<Postmaster>", "RCPT TO:<x@elsewhere.example>",
            "RSET", "NOOP", "VRFY alice", "HELP", "AUTH PLAIN AGEAYg==", "AUTH LOGIN", "EXPN x", "DATA");

    @Test
    void junkNeverBreaksTheServer(@TempDir Path dir) throws Exception {
        Random random = new Random(4242);
        try (SmtpHarness h = new SmtpHarness(dir, "message-size-limit: 64K\nmax-bad-commands: 50\n")) {
            int lines = 0;
            for (int conn = 0; conn < 40; conn++) {
                StringBuilder input = new StringBuilder();
                ByteArrayOutputStream raw = new ByteArrayOutputStream();
                for (int i = 0; i < 80; i++) {
                    byte[] line = CommandParserFuzzTest.mutate(SEEDS.get(random.nextInt(SEEDS.size())).getBytes(StandardCharsets.UTF_8), random);
                    String upper = new String(line, StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT);
                    if (upper.startsWith("BDAT") || upper.startsWith("STARTTLS")) {
                        continue; // they consume the following bytes as chunk data or a TLS handshake
                    }
                    raw.write(line);
                    raw.write(random.nextInt(10) == 0 ? new byte[]{'\n'} : new byte[]{'\r', '\n'});
                    lines++;
                }
                if (conn % 10 == 3) {
                    raw.write(("X".repeat(10_000) + "\r\n\0\0\0\r\n").getBytes(StandardCharsets.ISO_8859_1));
                }
                if (conn % 10 == 7) {
                    raw.write("EHLO x\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<alice@example.com>\r\nDATA\r\n".getBytes(StandardCharsets.US_ASCII));
                    raw.write(("D".repeat(999) + "\r\n").repeat(100).getBytes(StandardCharsets.US_ASCII));
                }
                raw.write("\r\n.\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                String output = exchange(h.port(SmtpMode.MX), raw.toByteArray());
                for (String l : output.split("\r\n")) {
                    assertThat(l).as("connection %d", conn).matches("[2-5]\\d\\d[ -].*");
                    assertThat(l).doesNotContain("Exception").doesNotContain("at org.");
                }
                input.setLength(0);
            }
            assertThat(lines).isGreaterThan(2500);
            try (SmtpClient c = h.client(SmtpMode.MX)) {
                assertThat(c.read()).startsWith("220");
                assertThat(c.cmd("EHLO ok.example")).startsWith("250-");
                assertThat(c.cmd("MAIL FROM:<a@remote.example>")).startsWith("250");
                assertThat(c.cmd("RCPT TO:<bob@example.com>")).startsWith("250");
                assertThat(c.cmd("DATA")).startsWith("354");
                c.send("Subject: after the storm\r\n\r\nstill here\r\n.\r\n");
                assertThat(c.read()).startsWith("250 2.0.0");
            }
            assertThat(h.lastBody(h.bob)).contains("after the storm");
            h.awaitSpoolEmpty();
        }
    }

    /** Writes everything on one thread while reading all replies until the server closes. */
    private static String exchange(int port, byte[] input) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    s.getOutputStream().write(input);
                    s.getOutputStream().flush();
                } catch (IOException ignored) {
                    // the server may close first (HTTP verb, too many errors)
                }
            });
            InputStream in = s.getInputStream();
            byte[] all = in.readAllBytes();
            writer.join();
            return new String(all, StandardCharsets.UTF_8);
        }
    }
}
