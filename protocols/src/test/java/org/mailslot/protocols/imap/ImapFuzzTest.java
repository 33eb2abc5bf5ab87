package org.mailslot.protocols.imap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Garbage, huge literals, deep nesting over TCP: BAD or BYE, never a stack trace, and the server stays up. */
class ImapFuzzTest {
    @TempDir
    Path dir;

    @Test
    void garbageGetsBadAndTheSessionSurvives() throws Exception {
        ImapSettings d = ImapSettings.defaults();
        ImapSettings lenient = new ImapSettings(d.net(), d.loginTimeout(), d.maxLiteralSize(), d.maxCommandSize(),
                d.maxNesting(), d.sessionsPerAccount(), 1000, d.idleKeepalive(), d.message());
        try (ImapTestServer server = new ImapTestServer(dir, org.mailslot.protocols.auth.PlaintextAuth.LOOPBACK, lenient)) {
            server.account("alice@example.com");
            server.deliver(server.directory.findAccount("alice@example.com").orElseThrow(), ImapTestServer.message("a", "b\r\n"));
            Random rnd = new Random(7);
            String[] words = {"FETCH", "UID", "STORE", "SEARCH", "(", ")", "[", "]", "*", "1:*", "\"", "\\", "BODY[", "{5}x",
                    "OR", "NOT", "<0.5>", "$", "%", "+FLAGS", "SELECT", "INBOX", "\0", "é", "CHARSET", "X"};
            try (ImapTestClient c = new ImapTestClient(server.port())) {
                c.login("alice@example.com");
                c.command("SELECT INBOX");
                for (int i = 0; i < 300; i++) {
                    StringBuilder sb = new StringBuilder("f" + i);
                    int n = 1 + rnd.nextInt(8);
                    for (int k = 0; k < n; k++) {
                        sb.append(' ').append(words[rnd.nextInt(words.length)]);
                    }
                    String line = sb.toString();
                    c.send(line);
                    List<String> r = c.until("f" + i);
                    assertThat(String.join("\n", r)).doesNotContain("Exception", "\tat ");
                    if (r.getLast().contains("BYE")) {
                        break;
                    }
                }
            }
            try (ImapTestClient c = new ImapTestClient(server.port())) {
                c.login("alice@example.com");
                assertThat(c.command("NOOP").getLast()).endsWith("OK NOOP completed");
            }
        }
    }

    @Test
    void hugeLiteralIsRefusedAndDeepNestingIsBad() throws Exception {
        try (ImapTestServer server = new ImapTestServer(dir)) {
            server.account("alice@example.com");
            try (ImapTestClient c = new ImapTestClient(server.port())) {
                c.login("alice@example.com");
                c.send("a APPEND INBOX {999999999999}");
                assertThat(c.readLine()).startsWith("a NO [TOOBIG]");
                c.command("SELECT INBOX");
                String deep = "(".repeat(200) + "ALL" + ")".repeat(200);
                assertThat(c.command("SEARCH " + deep).getLast()).contains(" BAD ");
                assertThat(c.command("NOOP").getLast()).endsWith("OK NOOP completed");
                c.send("b APPEND INBOX {999999999999+}");
                assertThat(c.readLine()).startsWith("* BYE");
                assertThat(c.readLine()).isNull();
            }
            try (ImapTestClient c = new ImapTestClient(server.port())) {
                c.greeting();
                c.sendRaw(("x".repeat(70_000) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                assertThat(c.readLine()).contains("BAD");
                assertThat(c.command("NOOP").getLast()).endsWith("OK NOOP completed");
            }
        }
    }

    @Test
    void tooManyBadCommandsEndTheSession() throws Exception {
        try (ImapTestServer server = new ImapTestServer(dir)) {
            try (ImapTestClient c = new ImapTestClient(server.port())) {
                c.greeting();
                String last = null;
                for (int i = 0; i < ImapSettings.DEFAULT_MAX_BAD_COMMANDS; i++) {
                    c.send("z" + i + " BOGUS");
                    last = c.readLine();
                }
                assertThat(last).startsWith("z19 BAD");
                assertThat(c.readLine()).isEqualTo("* BYE Too many invalid commands");
                assertThat(c.readLine()).isNull();
            }
        }
    }
}
