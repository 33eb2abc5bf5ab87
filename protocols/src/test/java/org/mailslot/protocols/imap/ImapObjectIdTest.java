package org.mailslot.protocols.imap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Account;
import org.mailslot.store.MessageMeta;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** OBJECTID (RFC 8474) over TCP: EMAILID and THREADID in FETCH and SEARCH, kept by COPY, MOVE and APPEND threading. */
class ImapObjectIdTest {
    @TempDir
    Path dir;

    private static String mail(String id, String moreHeaders) {
        return "From: sender@example.net\r\nTo: alice@example.com\r\nSubject: plans\r\nMessage-ID: <" + id + ">\r\n"
                + moreHeaders + "\r\nbody\r\n";
    }

    @Test
    void repliesShareTheirParentsThreadId() throws Exception {
        try (ImapTestServer server = new ImapTestServer(dir)) {
            Account alice = server.account("alice@example.com");
            Account bob = server.account("bob@example.com");
            server.deliver(alice, mail("root@x", ""));
            server.deliver(alice, mail("reply@x", "In-Reply-To: <root@x>\r\nReferences: <root@x>\r\n"));
            server.deliver(alice, mail("other@x", "")); // same subject, no shared id: a thread of its own
            server.deliver(bob, mail("reply@x", "In-Reply-To: <root@x>\r\nReferences: <root@x>\r\n"));
            List<MessageMeta> stored = server.store(alice).messages(server.mailboxId(alice, "INBOX"));
            long thread = stored.getFirst().threadId();
            long other = stored.getLast().threadId();
            assertThat(other).isNotEqualTo(thread);
            try (ImapTestClient c = new ImapTestClient(server.port())) {
                c.login("alice@example.com");
                c.command("SELECT INBOX");
                assertThat(c.command("FETCH 1:3 (THREADID EMAILID)")).containsExactly(
                        "* 1 FETCH (THREADID (T" + thread + ") EMAILID (M" + stored.get(0).emailId() + "))",
                        "* 2 FETCH (THREADID (T" + thread + ") EMAILID (M" + stored.get(1).emailId() + "))",
                        "* 3 FETCH (THREADID (T" + other + ") EMAILID (M" + stored.get(2).emailId() + "))",
                        "t3 OK FETCH completed");
                assertThat(c.command("SEARCH THREADID T" + thread)).containsExactly("* SEARCH 1 2", "t4 OK SEARCH completed");
                assertThat(c.command("UID SEARCH NOT THREADID T" + thread)).containsExactly("* SEARCH 3", "t5 OK SEARCH completed");
                assertThat(c.command("SEARCH THREADID M" + stored.getFirst().emailId()).getFirst()).isEqualTo("* SEARCH");
                assertThat(c.command("SEARCH THREADID T999999").getFirst()).isEqualTo("* SEARCH");

                // a reply appended by a client joins the thread of the message it answers
                byte[] reply = mail("answer@x", "In-Reply-To: <other@x>\r\n").getBytes(StandardCharsets.UTF_8);
                c.command("APPEND INBOX {" + reply.length + "+}\r\n" + new String(reply, StandardCharsets.UTF_8));
                assertThat(c.command("FETCH 4 (THREADID)").getFirst()).isEqualTo("* 4 FETCH (THREADID (T" + other + "))");

                // COPY and MOVE keep the thread id, as they keep the email id
                c.command("COPY 2 Archive");
                c.command("MOVE 1 Archive");
                c.command("SELECT Archive");
                assertThat(c.command("FETCH 1:2 (THREADID)")).containsExactly(
                        "* 1 FETCH (THREADID (T" + thread + "))", "* 2 FETCH (THREADID (T" + thread + "))",
                        "t13 OK FETCH completed");
                assertThat(c.command("SEARCH THREADID T" + thread).getFirst()).isEqualTo("* SEARCH 1 2");
            }
            // Bob gets only the reply: Alice's thread is not his, so it starts one of his own
            MessageMeta bobs = server.store(bob).messages(server.mailboxId(bob, "INBOX")).getFirst();
            assertThat(bobs.threadId()).isEqualTo(bobs.emailId());
            try (ImapTestClient c = new ImapTestClient(server.port())) {
                c.login("bob@example.com");
                c.command("SELECT INBOX");
                assertThat(c.command("FETCH 1 (THREADID)").getFirst())
                        .isEqualTo("* 1 FETCH (THREADID (T" + bobs.threadId() + "))");
            }
        }
    }
}
