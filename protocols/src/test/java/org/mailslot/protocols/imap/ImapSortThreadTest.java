package org.mailslot.protocols.imap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Account;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** SORT, UID SORT with ESORT return options, THREAD and UID THREAD (RFC 5256, 5267, 5957) over TCP. */
class ImapSortThreadTest {
    @TempDir
    Path dir;

    private static String mail(String from, String to, String subject, String date, String id, String extra) {
        return "From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nDate: " + date
                + "\r\nMessage-ID: " + id + "\r\n" + extra + "\r\nbody\r\n";
    }

    @Test
    void sortAndThreadAnswerExactly() throws Exception {
        try (ImapTestServer server = new ImapTestServer(dir)) {
            Account alice = server.account("alice@example.com");
            server.deliver(alice, ImapTestServer.message("gone", "x\r\n")); // uid 1, expunged: UIDs differ from seqs
            server.deliver(alice, mail("Zed Alpha <zed@example.net>", "carl@example.com", "banana",
                    "3 Jan 2022 10:00:00 +0000", "<a@x>", ""));
            server.deliver(alice, mail("adam@example.net", "\"Bob\" <zz@example.com>", "Re: apple",
                    "1 Jan 2022 10:00:00 +0000", "<b@x>", "In-Reply-To: <d@x>\r\n"));
            server.deliver(alice, mail("\"Mia\" <bo@example.net>", "anna@example.com", "apple",
                    "2 Jan 2022 10:00:00 +0000", "<c@x>", "References: <a@x>\r\n"));
            server.deliver(alice, mail("carl@example.net", "dave@example.com", "Fwd: banana",
                    "4 Jan 2022 10:00:00 +0000", "<d@x>", "References: <a@x>\r\n"));
            try (ImapTestClient c = new ImapTestClient(server.port())) {
                c.login("alice@example.com");
                assertThat(c.command("CAPABILITY").getFirst())
                        .contains(" SORT SORT=DISPLAY ESORT THREAD=ORDEREDSUBJECT THREAD=REFERENCES");
                c.command("SELECT INBOX");
                c.command("STORE 1 +FLAGS.SILENT (\\Deleted)");
                c.command("EXPUNGE");
                assertThat(c.command("SORT (SUBJECT) UTF-8 ALL")).containsExactly("* SORT 2 3 1 4", "t6 OK SORT completed");
                assertThat(c.command("SORT (FROM) UTF-8 ALL").getFirst()).isEqualTo("* SORT 2 3 4 1");
                assertThat(c.command("SORT (DISPLAYFROM) UTF-8 ALL").getFirst()).isEqualTo("* SORT 2 4 3 1");
                assertThat(c.command("SORT (TO) UTF-8 ALL").getFirst()).isEqualTo("* SORT 3 1 4 2");
                assertThat(c.command("SORT (DISPLAYTO) UTF-8 ALL").getFirst()).isEqualTo("* SORT 3 2 1 4");
                assertThat(c.command("SORT (REVERSE DATE) UTF-8 ALL").getFirst()).isEqualTo("* SORT 4 1 3 2");
                assertThat(c.command("SORT (ARRIVAL) US-ASCII ALL").getFirst()).isEqualTo("* SORT 1 2 3 4");
                assertThat(c.command("UID SORT (DATE) UTF-8 FROM example.net NOT SUBJECT banana"))
                        .containsExactly("* SORT 3 4", "t13 OK SORT completed");
                assertThat(c.command("SORT (SUBJECT) UTF-8 SUBJECT nothing")).containsExactly("* SORT", "t14 OK SORT completed");
                assertThat(c.command("UID SORT RETURN (MIN MAX COUNT ALL) (DATE) UTF-8 ALL"))
                        .containsExactly("* ESEARCH (TAG \"t15\") UID MIN 3 MAX 5 ALL 3:4,2,5 COUNT 4", "t15 OK SORT completed");
                assertThat(c.command("SORT RETURN () (REVERSE SUBJECT) UTF-8 ALL").getFirst())
                        .isEqualTo("* ESEARCH (TAG \"t16\") ALL 1,4,2:3");
                assertThat(c.command("SORT RETURN (SAVE) (DATE) UTF-8 SUBJECT apple"))
                        .containsExactly("t17 OK SORT completed, result saved");
                assertThat(c.command("FETCH $ (UID)")).containsExactly("* 2 FETCH (UID 3)", "* 3 FETCH (UID 4)",
                        "t18 OK FETCH completed");
                assertThat(c.command("THREAD ORDEREDSUBJECT UTF-8 ALL"))
                        .containsExactly("* THREAD (2 3)(1 4)", "t19 OK THREAD completed");
                assertThat(c.command("THREAD REFERENCES UTF-8 ALL").getFirst()).isEqualTo("* THREAD (1 (3)(4 2))");
                assertThat(c.command("UID THREAD REFERENCES UTF-8 ALL").getFirst()).isEqualTo("* THREAD (2 (4)(5 3))");
                assertThat(c.command("THREAD REFERENCES UTF-8 SUBJECT nothing").getFirst()).isEqualTo("* THREAD");
                assertThat(c.command("THREAD FOO UTF-8 ALL").getLast()).startsWith("t23 BAD ");
                assertThat(c.command("SORT (SUBJECT) KOI9 ALL").getLast()).startsWith("t24 NO [BADCHARSET");
            }
        }
    }
}
