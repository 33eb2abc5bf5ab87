package org.mailslot.protocols.imap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Account;
import org.mailslot.store.FlagOp;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Scenario tests over TCP against a real directory and slot store: exact responses for each command. */
class ImapSessionTest {
    @TempDir
    Path dir;
    ImapTestServer server;
    Account alice;

    @BeforeEach
    void start() throws Exception {
        server = new ImapTestServer(dir);
        alice = server.account("alice@example.com");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void greetingAndCapabilityBeforeLogin() throws Exception {
        try (ImapTestClient c = new ImapTestClient(server.port())) {
            assertThat(c.greeting()).startsWith("* OK [CAPABILITY IMAP4rev1 IMAP4rev2 ").contains("STARTTLS", "AUTH=PLAIN");
            List<String> r = c.command("CAPABILITY");
            assertThat(r.getFirst()).startsWith("* CAPABILITY IMAP4rev1 IMAP4rev2").doesNotContain("CONDSTORE");
            assertThat(r.getLast()).isEqualTo("t1 OK Capability completed");
            assertThat(c.command("SELECT INBOX").getLast()).isEqualTo("t2 NO Not logged in");
            assertThat(c.command("LOGIN alice@example.com wrong").getLast()).isEqualTo("t3 NO [AUTHENTICATIONFAILED] Authentication failed");
            List<String> ok = c.command("LOGIN alice@example.com \"" + ImapTestServer.PASSWORD + "\"");
            assertThat(ok.getLast()).startsWith("t4 OK [CAPABILITY IMAP4rev1").contains("CONDSTORE", "MOVE", "APPENDLIMIT=52428800").endsWith("] Logged in");
            assertThat(c.command("LOGIN a b").getLast()).isEqualTo("t5 NO Already logged in");
            List<String> bye = c.command("LOGOUT");
            assertThat(bye).containsExactly("* BYE Logging out", "t6 OK Logout completed");
        }
    }

    @Test
    void authenticatePlainWithAndWithoutInitialResponse() throws Exception {
        String token = java.util.Base64.getEncoder().encodeToString(("\0alice@example.com\0" + ImapTestServer.PASSWORD).getBytes());
        try (ImapTestClient c = new ImapTestClient(server.port())) {
            c.greeting();
            assertThat(c.command("AUTHENTICATE PLAIN " + token).getLast()).startsWith("t1 OK [CAPABILITY");
        }
        try (ImapTestClient c = new ImapTestClient(server.port())) {
            c.greeting();
            c.send("a AUTHENTICATE PLAIN");
            assertThat(c.readLine()).isEqualTo("+ ");
            c.send(token);
            assertThat(c.until("a").getLast()).startsWith("a OK [CAPABILITY");
        }
    }

    @Test
    void selectFetchStoreExpunge() throws Exception {
        server.deliver(alice, ImapTestServer.message("one", "first body\r\n"));
        server.deliver(alice, ImapTestServer.message("two", "second body\r\n"));
        try (ImapTestClient c = new ImapTestClient(server.port())) {
            c.login("alice@example.com");
            List<String> sel = c.command("SELECT INBOX");
            assertThat(sel).contains("* 2 EXISTS", "* 0 RECENT", "* OK [UIDVALIDITY " + server.store(alice).mailbox(alice.id(), "INBOX").orElseThrow().uidValidity() + "] UIDs valid",
                    "* OK [UIDNEXT 3] Predicted next UID", "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)", "* OK [UNSEEN 1] First unseen");
            assertThat(sel.getLast()).isEqualTo("t2 OK [READ-WRITE] SELECT completed");

            List<String> f = c.command("FETCH 1:2 (UID FLAGS RFC822.SIZE)");
            assertThat(f).hasSize(3);
            assertThat(f.get(0)).matches("\\* 1 FETCH \\(UID 1 FLAGS \\(\\) RFC822.SIZE \\d+\\)");
            assertThat(c.command("FETCH 1 BODY.PEEK[TEXT]")).containsExactly("* 1 FETCH (BODY[TEXT] {12}\r\nfirst body\r\n)", "t4 OK FETCH completed");
            assertThat(c.command("FETCH 1 (FLAGS)").getFirst()).isEqualTo("* 1 FETCH (FLAGS ())");
            assertThat(c.command("FETCH 2 BODY[HEADER.FIELDS (SUBJECT)]")).containsExactly(
                    "* 2 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {16}\r\nSubject: two\r\n\r\n FLAGS (\\Seen))", "t6 OK FETCH completed");
            assertThat(c.command("UID FETCH 2 (FLAGS)").getFirst()).isEqualTo("* 2 FETCH (UID 2 FLAGS (\\Seen))");
            assertThat(c.command("FETCH 3 FLAGS").getLast()).startsWith("t8 BAD ");

            assertThat(c.command("STORE 1 +FLAGS (\\Deleted $Work)")).containsExactly(
                    "* 1 FETCH (FLAGS ($Work \\Deleted))", "t9 OK STORE completed");
            assertThat(c.command("UID STORE 2 +FLAGS.SILENT (\\Flagged)")).containsExactly("t10 OK STORE completed");
            assertThat(c.command("EXPUNGE")).containsExactly("* 1 EXPUNGE", "t11 OK EXPUNGE completed");
            assertThat(c.command("FETCH 1 (UID FLAGS)").getFirst()).isEqualTo("* 1 FETCH (UID 2 FLAGS (\\Flagged \\Seen))");
            assertThat(c.command("CLOSE").getLast()).isEqualTo("t13 OK CLOSE completed");
            assertThat(c.command("FETCH 1 FLAGS").getLast()).isEqualTo("t14 NO No mailbox selected");
        }
    }

    @Test
    void otherSessionsChangesArriveAtTheRightTimes() throws Exception {
        server.deliver(alice, ImapTestServer.message("one", "x\r\n"));
        server.deliver(alice, ImapTestServer.message("two", "y\r\n"));
        try (ImapTestClient a = new ImapTestClient(server.port()); ImapTestClient b = new ImapTestClient(server.port())) {
            a.login("alice@example.com");
            b.login("alice@example.com");
            a.command("SELECT INBOX");
            b.command("SELECT INBOX");
            b.command("STORE 1 +FLAGS (\\Deleted)");
            b.command("EXPUNGE");
            server.deliver(alice, ImapTestServer.message("three", "z\r\n"));
            // FETCH may not announce the expunge: message 1 keeps its number until a NOOP
            List<String> f = a.command("FETCH 1:* (UID)");
            assertThat(f).doesNotContain("* 1 EXPUNGE");
            assertThat(f).contains("* 2 FETCH (UID 2)", "* 3 EXISTS");
            assertThat(f.getLast()).isEqualTo("t3 NO [EXPUNGEISSUED] Some of the requested messages no longer exist");
            assertThat(a.command("NOOP")).containsExactly("* 1 EXPUNGE", "t4 OK NOOP completed");
            assertThat(a.command("FETCH 1:* (UID)")).containsExactly("* 1 FETCH (UID 2)", "* 2 FETCH (UID 3)", "t5 OK FETCH completed");
            server.store(alice).storeFlags(server.mailboxId(alice, "INBOX"), List.of(3L), FlagOp.ADD, Set.of("\\Answered"));
            assertThat(a.command("NOOP")).containsExactly("* 2 FETCH (FLAGS (\\Answered))", "t6 OK NOOP completed");
            assertThat(a.command("NOOP")).containsExactly("t7 OK NOOP completed");
        }
    }

    @Test
    void idleWakesOnDeliveryAndEndsWithDone() throws Exception {
        try (ImapTestClient c = new ImapTestClient(server.port())) {
            c.login("alice@example.com");
            c.command("SELECT INBOX");
            c.send("i1 IDLE");
            assertThat(c.readLine()).isEqualTo("+ idling");
            long start = System.nanoTime();
            server.deliver(alice, ImapTestServer.message("new", "hi\r\n"));
            assertThat(c.readLine()).isEqualTo("* 1 EXISTS");
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5000);
            c.send("DONE");
            assertThat(c.readLine()).isEqualTo("i1 OK IDLE terminated");
        }
    }

    @Test
    void appendListStatusCreateRenameDelete() throws Exception {
        try (ImapTestClient c = new ImapTestClient(server.port())) {
            c.login("alice@example.com");
            String msg = ImapTestServer.message("app", "appended\r\n");
            c.send("t1 APPEND Drafts (\\Draft) {" + msg.length() + "+}");
            c.sendRaw((msg + "\r\n").getBytes());
            List<String> r = c.until("t1");
            long v = server.store(alice).mailbox(alice.id(), "Drafts").orElseThrow().uidValidity();
            assertThat(r).containsExactly("t1 OK [APPENDUID " + v + " 1] APPEND completed");
            assertThat(c.command("APPEND Nope {3+}\r\nabc").getLast()).isEqualTo("t2 NO [TRYCREATE] Mailbox does not exist");
            assertThat(c.command("STATUS Drafts (MESSAGES UIDNEXT UNSEEN SIZE)").getFirst())
                    .isEqualTo("* STATUS \"Drafts\" (MESSAGES 1 UIDNEXT 2 UNSEEN 1 SIZE " + msg.length() + ")");
            assertThat(c.command("CREATE Work/Projects").getLast()).isEqualTo("t4 OK CREATE completed");
            assertThat(c.command("CREATE Work").getLast()).isEqualTo("t5 NO [ALREADYEXISTS] Mailbox already exists");
            List<String> list = c.command("LIST \"\" *");
            assertThat(list).contains("* LIST (\\HasNoChildren) \"/\" INBOX", "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"",
                    "* LIST (\\HasChildren) \"/\" \"Work\"", "* LIST (\\HasNoChildren) \"/\" \"Work/Projects\"");
            assertThat(c.command("LIST \"\" %").stream().filter(l -> l.contains("Work"))).containsExactly("* LIST (\\HasChildren) \"/\" \"Work\"");
            assertThat(c.command("RENAME Work Play").getLast()).isEqualTo("t8 OK RENAME completed");
            assertThat(c.command("LIST \"\" Play/*")).containsExactly("* LIST (\\HasNoChildren) \"/\" \"Play/Projects\"", "t9 OK LIST completed");
            assertThat(c.command("DELETE Trash").getLast()).isEqualTo("t10 NO [CANNOT] A special-use mailbox (\\Trash) cannot be deleted");
            assertThat(c.command("DELETE Play/Projects").getLast()).isEqualTo("t11 OK DELETE completed");
            assertThat(c.command("LIST (SPECIAL-USE) \"\" *")).hasSize(6);
        }
    }

    /** A session whose slot copy stops being master (switchover, failover) ends with BYE [UNAVAILABLE], idle or not. */
    @Test
    void sessionsEndWhenTheirSlotMovesAway() throws Exception {
        server.deliver(alice, ImapTestServer.message("one", "x\r\n"));
        try (ImapTestClient busy = new ImapTestClient(server.port()); ImapTestClient idle = new ImapTestClient(server.port())) {
            busy.login("alice@example.com");
            idle.login("alice@example.com");
            busy.command("SELECT INBOX");
            idle.command("SELECT INBOX");
            idle.send("t9 IDLE");
            assertThat(idle.readLine()).startsWith("+ ");
            server.store(alice).fence(); // what a switchover does first on the old master
            assertThat(idle.readLine()).isEqualTo("* BYE [UNAVAILABLE] Mailbox moved to another server; reconnect");
            assertThat(idle.readLine()).isNull(); // and the connection is closed
            busy.send("t3 NOOP");
            assertThat(busy.readLine()).isEqualTo("* BYE [UNAVAILABLE] Mailbox moved to another server; reconnect");
            assertThat(busy.readLine()).isNull();
        }
    }

    /** A message expunged by another session keeps its number until announced, and never matches a SEARCH. */
    @Test
    void searchSkipsMessagesWhoseExpungeIsPending() throws Exception {
        server.deliver(alice, ImapTestServer.message("one", "x\r\n"));
        server.deliver(alice, ImapTestServer.message("two", "y\r\n"));
        server.deliver(alice, ImapTestServer.message("three", "z\r\n"));
        try (ImapTestClient a = new ImapTestClient(server.port()); ImapTestClient b = new ImapTestClient(server.port())) {
            a.login("alice@example.com");
            b.login("alice@example.com");
            a.command("SELECT INBOX");
            b.command("SELECT INBOX");
            b.command("STORE 2 +FLAGS (\\Deleted)");
            b.command("EXPUNGE");
            // flags only: answered from the session's view; a date key: from the stored rows
            assertThat(a.command("SEARCH UNDELETED")).containsExactly("* SEARCH 1 3", "t3 OK SEARCH completed");
            assertThat(a.command("SEARCH SINCE 1-Jan-2000")).containsExactly("* SEARCH 1 3", "t4 OK SEARCH completed");
            assertThat(a.command("NOOP")).containsExactly("* 2 EXPUNGE", "t5 OK NOOP completed");
            assertThat(a.command("UID SEARCH ALL")).containsExactly("* SEARCH 1 3", "t6 OK SEARCH completed");
            assertThat(a.command("SEARCH ALL")).containsExactly("* SEARCH 1 2", "t7 OK SEARCH completed");
        }
    }

    @Test
    void searchCopyMove() throws Exception {
        server.deliver(alice, ImapTestServer.message("apple pie", "recipe inside\r\n"));
        server.deliver(alice, ImapTestServer.message("banana", "nothing\r\n"));
        try (ImapTestClient c = new ImapTestClient(server.port())) {
            c.login("alice@example.com");
            c.command("SELECT INBOX");
            assertThat(c.command("SEARCH SUBJECT apple")).containsExactly("* SEARCH 1", "t3 OK SEARCH completed");
            assertThat(c.command("UID SEARCH BODY nothing")).containsExactly("* SEARCH 2", "t4 OK SEARCH completed");
            assertThat(c.command("SEARCH RETURN (COUNT MIN) ALL")).containsExactly("* ESEARCH (TAG \"t5\") MIN 1 COUNT 2", "t5 OK SEARCH completed");
            long archive = server.store(alice).mailbox(alice.id(), "Archive").orElseThrow().uidValidity();
            assertThat(c.command("COPY 1 Archive").getLast()).isEqualTo("t6 OK [COPYUID " + archive + " 1 1] COPY completed");
            assertThat(c.command("MOVE 2 Archive")).containsExactly("* OK [COPYUID " + archive + " 2 2] Moved", "* 2 EXPUNGE", "t7 OK MOVE completed");
            assertThat(c.command("COPY 1 Nowhere").getLast()).isEqualTo("t8 NO [TRYCREATE] Target mailbox does not exist");
            assertThat(c.command("STATUS Archive (MESSAGES)").getFirst()).isEqualTo("* STATUS \"Archive\" (MESSAGES 2)");
        }
    }

    @Test
    void oneAccountCannotReachAnothersMailboxes() throws Exception {
        Account bob = server.account("bob@example.com");
        server.store(bob).createMailbox(bob.id(), "Secret", org.mailslot.store.SpecialUse.NONE);
        try (ImapTestClient c = new ImapTestClient(server.port())) {
            c.login("alice@example.com");
            assertThat(c.command("SELECT Secret").getLast()).isEqualTo("t2 NO [NONEXISTENT] Mailbox does not exist");
            assertThat(c.command("STATUS Secret (MESSAGES)").getLast()).isEqualTo("t3 NO [NONEXISTENT] Mailbox does not exist");
            assertThat(c.command("LIST \"\" *")).noneMatch(l -> l.contains("Secret"));
            server.deliver(alice, ImapTestServer.message("x", "y\r\n"));
            c.command("SELECT INBOX");
            assertThat(c.command("COPY 1 Secret").getLast()).isEqualTo("t6 NO [TRYCREATE] Target mailbox does not exist");
            assertThat(c.command("APPEND Secret {1+}\r\nx").getLast()).isEqualTo("t7 NO [TRYCREATE] Mailbox does not exist");
        }
        assertThat(server.store(bob).status(server.mailboxId(bob, "Secret")).messages()).isZero();
    }
}
