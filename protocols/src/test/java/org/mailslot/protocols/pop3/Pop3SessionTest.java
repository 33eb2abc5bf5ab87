package org.mailslot.protocols.pop3;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Account;
import org.mailslot.store.MessageMeta;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every command over real TCP with exact responses, against a real directory and slot store. */
class Pop3SessionTest {
    static final String ONE = Pop3TestServer.message("one", "Hello\r\n");
    static final String TWO = Pop3TestServer.message("two", ".dotted\r\nline\r\n..\r\n.\r\nend\r\n");
    static final String THREE = Pop3TestServer.message("three", "a\r\nb\r\nc\r\n");

    @TempDir
    Path dir;
    Pop3TestServer server;
    Account alice;
    long uidValidity;
    long[] uids = new long[3];

    @BeforeEach
    void start() throws IOException {
        server = new Pop3TestServer(dir);
        alice = server.account("alice@example.com");
        uids[0] = server.deliver(alice, ONE);
        uids[1] = server.deliver(alice, TWO);
        uids[2] = server.deliver(alice, THREE);
        uidValidity = server.store(alice).mailbox(alice.id(), "INBOX").orElseThrow().uidValidity();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static int len(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private Pop3TestClient loggedIn() throws IOException {
        Pop3TestClient c = Pop3TestClient.connect(server.port());
        assertThat(c.login("alice@example.com", Pop3TestServer.PASSWORD)).startsWith("+OK Logged in");
        return c;
    }

    @Test
    void greetingAndCapabilitiesBeforeLogin() throws IOException {
        try (Pop3TestClient c = Pop3TestClient.connect(server.port())) {
            assertThat(c.greeting).isEqualTo("+OK mail.example.com POP3 ready");
            assertThat(c.cmd("CAPA")).isEqualTo("+OK Capability list follows");
            assertThat(c.readMultiline()).containsExactly("TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE",
                    "USER", "SASL PLAIN", "STLS", "EXPIRE NEVER", "IMPLEMENTATION mailslot");
            assertThat(c.cmd("QUIT")).isEqualTo("+OK Logging out");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void transactionCommandsWithExactResponses() throws IOException {
        int total = len(ONE) + len(TWO) + len(THREE);
        try (Pop3TestClient c = Pop3TestClient.connect(server.port())) {
            assertThat(c.cmd("USER alice@example.com")).isEqualTo("+OK");
            assertThat(c.cmd("PASS " + Pop3TestServer.PASSWORD)).isEqualTo("+OK Logged in, 3 messages (" + total + " octets)");
            assertThat(c.cmd("CAPA")).isEqualTo("+OK Capability list follows");
            assertThat(c.readMultiline()).containsExactly("TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE",
                    "EXPIRE NEVER", "IMPLEMENTATION mailslot");
            assertThat(c.cmd("STAT")).isEqualTo("+OK 3 " + total);
            assertThat(c.cmd("LIST")).isEqualTo("+OK 3 messages (" + total + " octets)");
            assertThat(c.readMultiline()).containsExactly("1 " + len(ONE), "2 " + len(TWO), "3 " + len(THREE));
            assertThat(c.cmd("LIST 2")).isEqualTo("+OK 2 " + len(TWO));
            assertThat(c.cmd("LIST 4")).isEqualTo("-ERR No such message 4 (the maildrop has 3)");
            assertThat(c.cmd("LIST 0")).isEqualTo("-ERR No such message 0 (the maildrop has 3)");
            assertThat(c.cmd("UIDL")).isEqualTo("+OK Unique-id listing follows");
            assertThat(c.readMultiline()).containsExactly("1 " + uidValidity + "." + uids[0],
                    "2 " + uidValidity + "." + uids[1], "3 " + uidValidity + "." + uids[2]);
            assertThat(c.cmd("UIDL 3")).isEqualTo("+OK 3 " + uidValidity + "." + uids[2]);
            assertThat(c.cmd("RETR 1")).isEqualTo("+OK " + len(ONE) + " octets");
            assertThat(new String(c.readBody(), StandardCharsets.UTF_8)).isEqualTo(ONE);
            assertThat(c.cmd("RETR 2")).isEqualTo("+OK " + len(TWO) + " octets");
            assertThat(c.readMultiline()).endsWith("..dotted", "line", "...", "..", "end");
            assertThat(c.cmd("TOP 3 1")).isEqualTo("+OK Top of message follows");
            assertThat(c.readMultiline()).containsExactly("From: sender@example.net", "To: alice@example.com",
                    "Subject: three", "Message-ID: <three@example.net>", "", "a");
            assertThat(c.cmd("TOP 3 0")).isEqualTo("+OK Top of message follows");
            assertThat(c.readMultiline()).hasSize(5).endsWith("");
            assertThat(c.cmd("DELE 1")).isEqualTo("+OK Message 1 deleted");
            assertThat(c.cmd("DELE 1")).isEqualTo("-ERR Message 1 is deleted");
            assertThat(c.cmd("RETR 1")).isEqualTo("-ERR Message 1 is deleted");
            assertThat(c.cmd("TOP 1 0")).isEqualTo("-ERR Message 1 is deleted");
            assertThat(c.cmd("UIDL 1")).isEqualTo("-ERR Message 1 is deleted");
            assertThat(c.cmd("STAT")).isEqualTo("+OK 2 " + (total - len(ONE)));
            assertThat(c.cmd("LIST")).isEqualTo("+OK 2 messages (" + (total - len(ONE)) + " octets)");
            assertThat(c.readMultiline()).containsExactly("2 " + len(TWO), "3 " + len(THREE));
            assertThat(c.cmd("UIDL")).startsWith("+OK");
            assertThat(c.readMultiline()).hasSize(2).first().asString().startsWith("2 ");
            assertThat(c.cmd("RSET")).isEqualTo("+OK 3 messages (" + total + " octets)");
            assertThat(c.cmd("LIST 1")).isEqualTo("+OK 1 " + len(ONE));
            assertThat(c.cmd("NOOP")).isEqualTo("+OK");
            assertThat(c.cmd("RETR 99999999999")).isEqualTo("-ERR No such message 2147483647 (the maildrop has 3)");
            assertThat(c.cmd("RETR x")).isEqualTo("-ERR Invalid message number 'x': must be a positive number");
            assertThat(c.cmd("DELE -2")).isEqualTo("-ERR Invalid message number '-2': must be a positive number");
            assertThat(c.cmd("QUIT")).isEqualTo("+OK Logging out, 0 messages deleted");
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(server.store(alice).messages(server.inboxId(alice))).hasSize(3);
        assertThat(server.counter("mailslot.commands", "command", "RETR")).isEqualTo(5);
        assertThat(server.counter("mailslot.deliveries", "outcome", "retrieved")).isEqualTo(2);
    }

    @Test
    void commandsOutsideTheirStateAreRefused() throws IOException {
        try (Pop3TestClient c = Pop3TestClient.connect(server.port())) {
            assertThat(c.cmd("STAT")).isEqualTo("-ERR Not logged in");
            assertThat(c.cmd("RETR 1")).isEqualTo("-ERR Not logged in");
            assertThat(c.cmd("NOOP")).isEqualTo("-ERR Not logged in");
            assertThat(c.cmd("PASS x")).isEqualTo("-ERR No user name: send USER first");
            assertThat(c.login("alice@example.com", Pop3TestServer.PASSWORD)).startsWith("+OK Logged in");
            assertThat(c.cmd("USER bob@example.com")).isEqualTo("-ERR Not allowed after login");
            assertThat(c.cmd("PASS x")).isEqualTo("-ERR Not allowed after login");
            assertThat(c.cmd("AUTH PLAIN")).isEqualTo("-ERR Not allowed after login");
            assertThat(c.cmd("STLS")).isEqualTo("-ERR Not allowed after login");
            assertThat(c.cmd("STAT")).startsWith("+OK 3 ");
        }
    }

    @Test
    void quitExpungesDeletedMessagesDurably() throws IOException {
        try (Pop3TestClient c = loggedIn()) {
            assertThat(c.cmd("DELE 1")).startsWith("+OK");
            assertThat(c.cmd("DELE 3")).startsWith("+OK");
            assertThat(c.cmd("QUIT")).isEqualTo("+OK Logging out, 2 messages deleted");
        }
        assertThat(server.store(alice).messages(server.inboxId(alice))).extracting(MessageMeta::uid).containsExactly(uids[1]);
        server.restartStores();
        try (Pop3TestClient c = loggedIn()) {
            assertThat(c.cmd("STAT")).isEqualTo("+OK 1 " + len(TWO));
            assertThat(c.cmd("UIDL 1")).isEqualTo("+OK 1 " + uidValidity + "." + uids[1]);
        }
    }

    @Test
    void droppedConnectionExpungesNothing() throws IOException {
        try (Pop3TestClient c = loggedIn()) {
            assertThat(c.cmd("DELE 1")).startsWith("+OK");
            assertThat(c.cmd("DELE 2")).startsWith("+OK");
        } // no QUIT
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            try (Pop3TestClient c = loggedIn()) {
                assertThat(c.cmd("STAT")).startsWith("+OK 3 ");
            }
        });
        assertThat(server.store(alice).messages(server.inboxId(alice))).hasSize(3);
    }

    @Test
    void rsetUndoesDeletionsBeforeQuit() throws IOException {
        try (Pop3TestClient c = loggedIn()) {
            c.cmd("DELE 1");
            c.cmd("DELE 2");
            assertThat(c.cmd("RSET")).isEqualTo("+OK 3 messages (" + (len(ONE) + len(TWO) + len(THREE)) + " octets)");
            assertThat(c.cmd("QUIT")).isEqualTo("+OK Logging out, 0 messages deleted");
        }
        assertThat(server.store(alice).messages(server.inboxId(alice))).hasSize(3);
    }

    @Test
    void retrMarksSeenAndTopDoesNot() throws IOException {
        try (Pop3TestClient c = loggedIn()) {
            c.cmd("RETR 2");
            c.readMultiline();
            c.cmd("TOP 3 1");
            c.readMultiline();
            assertThat(c.cmd("QUIT")).startsWith("+OK");
        }
        List<MessageMeta> after = server.store(alice).messages(server.inboxId(alice));
        assertThat(after.get(0).flags()).doesNotContain("\\Seen");
        assertThat(after.get(1).flags()).contains("\\Seen");
        assertThat(after.get(2).flags()).doesNotContain("\\Seen");
    }

    @Test
    void uidlIsStableAcrossSessionsAndRestartsAndNeverReused() throws IOException {
        List<String> before;
        try (Pop3TestClient c = loggedIn()) {
            c.cmd("UIDL");
            before = c.readMultiline();
            c.cmd("DELE 3");
            c.cmd("QUIT");
        }
        server.restartStores();
        long fourth = server.deliver(alice, Pop3TestServer.message("four", "x\r\n"));
        try (Pop3TestClient c = loggedIn()) {
            c.cmd("UIDL");
            List<String> after = c.readMultiline();
            assertThat(after).startsWith(before.get(0), before.get(1));
            assertThat(after.get(2)).isEqualTo("3 " + uidValidity + "." + fourth).isNotEqualTo(before.get(2));
            for (String line : after) {
                assertThat(line.substring(line.indexOf(' ') + 1)).matches("[\\x21-\\x7e]{1,70}");
            }
        }
    }

    @Test
    void secondSessionGetsInUseUntilTheFirstEnds() throws IOException {
        try (Pop3TestClient first = loggedIn(); Pop3TestClient second = Pop3TestClient.connect(server.port())) {
            assertThat(second.login("alice@example.com", Pop3TestServer.PASSWORD))
                    .startsWith("-ERR [IN-USE] Mailbox is locked by another POP3 session");
            assertThat(second.cmd("AUTH PLAIN " + Pop3TestClient.plain("alice@example.com", Pop3TestServer.PASSWORD)))
                    .startsWith("-ERR [IN-USE]");
            assertThat(first.cmd("QUIT")).startsWith("+OK");
            assertThat(first.closedByServer()).isTrue();
            assertThat(second.login("alice@example.com", Pop3TestServer.PASSWORD)).startsWith("+OK Logged in");
        }
        // the implicit-TLS listener shares the locks (the sessions above end as soon as the server sees the close)
        Pop3TestClient first = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .ignoreExceptions().until(this::loggedIn, java.util.Objects::nonNull);
        try (first; Pop3TestClient second = Pop3TestClient.connectTls(server.tlsPort())) {
            assertThat(second.login("alice@example.com", Pop3TestServer.PASSWORD)).startsWith("-ERR [IN-USE]");
        }
    }

    @Test
    void oneAccountCannotSeeAnothersMail() throws IOException {
        Account bob = server.account("bob@example.com");
        long bobUid = server.deliver(bob, Pop3TestServer.message("for bob", "private\r\n"));
        try (Pop3TestClient c = Pop3TestClient.connect(server.port())) {
            assertThat(c.login("bob@example.com", Pop3TestServer.PASSWORD)).startsWith("+OK Logged in, 1 messages");
            assertThat(c.cmd("RETR 1")).startsWith("+OK");
            assertThat(new String(c.readBody(), StandardCharsets.UTF_8)).contains("Subject: for bob");
            assertThat(c.cmd("RETR 2")).startsWith("-ERR No such message 2");
            c.cmd("DELE 1");
            c.cmd("QUIT");
        }
        assertThat(server.store(alice).messages(server.inboxId(alice))).hasSize(3);
        assertThat(server.store(bob).messages(server.inboxId(bob))).extracting(MessageMeta::uid).doesNotContain(bobUid);
    }

    @Test
    void retrIsByteExactForAwkwardMessages() throws Exception {
        StringBuilder body = new StringBuilder();
        body.append(".\r\n..\r\n...\r\n. \r\n.leading\r\nmiddle . dot\r\n\u00e9t\u00e9 \u2603 8-bit\r\n");
        body.append("x".repeat(998)).append("\r\n");
        for (int i = 0; i < 5000; i++) {
            body.append(i % 7 == 0 ? "." : "").append("line ").append(i).append(" of a long body\r\n");
        }
        body.append(".");
        byte[] stored = Pop3TestServer.message("awkward", body.toString()).getBytes(StandardCharsets.UTF_8);
        Account carol = server.account("carol@example.com");
        server.deliver(carol, stored);
        try (Pop3TestClient c = Pop3TestClient.connect(server.port())) {
            c.login("carol@example.com", Pop3TestServer.PASSWORD);
            assertThat(c.cmd("RETR 1")).isEqualTo("+OK " + stored.length + " octets");
            byte[] got = c.readBody();
            // the stored message does not end in CRLF: the server ends its last line, nothing else changes
            assertThat(sha256(got)).isEqualTo(sha256(concat(stored, new byte[]{'\r', '\n'})));
        }
        MessageMeta meta = server.store(carol).messages(server.inboxId(carol)).getFirst();
        try (var in = server.store(carol).openBody(meta.blobHash())) {
            assertThat(sha256(in.readAllBytes())).isEqualTo(sha256(stored));
        }
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrder() throws IOException {
        try (Pop3TestClient c = Pop3TestClient.connect(server.port())) {
            c.sendRaw(("USER alice@example.com\r\nPASS " + Pop3TestServer.PASSWORD + "\r\nSTAT\r\nLIST 1\r\nRETR 1\r\n"
                    + "DELE 1\r\nBOGUS\r\nUIDL 2\r\nQUIT\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(c.readLine()).isEqualTo("+OK");
            assertThat(c.readLine()).startsWith("+OK Logged in");
            assertThat(c.readLine()).startsWith("+OK 3 ");
            assertThat(c.readLine()).isEqualTo("+OK 1 " + len(ONE));
            assertThat(c.readLine()).startsWith("+OK " + len(ONE) + " octets");
            assertThat(new String(c.readBody(), StandardCharsets.UTF_8)).isEqualTo(ONE);
            assertThat(c.readLine()).isEqualTo("+OK Message 1 deleted");
            assertThat(c.readLine()).isEqualTo("-ERR Unknown command");
            assertThat(c.readLine()).isEqualTo("+OK 2 " + uidValidity + "." + uids[1]);
            assertThat(c.readLine()).isEqualTo("+OK Logging out, 1 messages deleted");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void badInputGetsPreciseErrorsAndTooMuchOfItCloses() throws IOException {
        try (Pop3TestClient c = loggedIn()) {
            assertThat(c.cmd("XYZZY")).isEqualTo("-ERR Unknown command");
            assertThat(c.cmd("")).isEqualTo("-ERR Empty command");
            c.sendRaw("NOOP\0\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.readLine()).isEqualTo("-ERR NUL byte in command");
            assertThat(c.cmd("LIST " + "9".repeat(2000))).isEqualTo("-ERR Line too long (at most 1024 octets)");
            assertThat(c.cmd("NOOP")).isEqualTo("+OK");
            assertThat(c.cmd("STAT 1")).isEqualTo("-ERR STAT takes no arguments");
            for (int i = 6; i < 10; i++) {
                assertThat(c.cmd("BAD" + i)).isEqualTo("-ERR Unknown command");
            }
            assertThat(c.cmd("BAD10")).isEqualTo("-ERR Unknown command; too many bad commands, closing");
            assertThat(c.closedByServer()).isTrue();
        }
        // the dropped session expunged nothing and released its lock
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            try (Pop3TestClient c = loggedIn()) {
                assertThat(c.cmd("STAT")).startsWith("+OK 3 ");
            }
        });
        assertThat(server.counter("mailslot.commands", "command", "BAD10")).isZero();
    }

    @Test
    void bareLfLineEndingsAreAccepted() throws IOException {
        try (Pop3TestClient c = Pop3TestClient.connect(server.port())) {
            c.sendRaw("USER alice@example.com\nPASS correct horse\nSTAT\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.readLine()).isEqualTo("+OK");
            assertThat(c.readLine()).startsWith("+OK Logged in");
            assertThat(c.readLine()).startsWith("+OK 3 ");
        }
    }

    static String sha256(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
