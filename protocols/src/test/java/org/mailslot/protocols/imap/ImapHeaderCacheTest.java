package org.mailslot.protocols.imap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Account;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SEARCH by header keys, SORT, THREAD and FETCH of top-level header sections read the header the store keeps with each
 * row, and give byte for byte what reading the blob gives: every sample is stored twice, once with its kept header and
 * once with the column emptied through JDBC (as for a message stored before the store kept headers), and both copies
 * must answer alike. One sample's header is over the store's cap, so it never had one.
 */
class ImapHeaderCacheTest {
    private static final String HEADER_FETCH = "(BODY.PEEK[HEADER] BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)]"
            + " BODY.PEEK[HEADER.FIELDS.NOT (SUBJECT)] RFC822.HEADER BODY.PEEK[HEADER]<5.10> BODY.PEEK[TEXT]"
            + " BODY.PEEK[HEADER.FIELDS (X-TAG)])";

    @TempDir
    Path dir;

    private static String b64(String s) {
        return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)) + "?=";
    }

    /** Encoded words, a folded field, CRLF. */
    static final String ENCODED = "From: " + b64("Ann Example") + " <ann@example.net>\r\nTo: alice@example.com\r\n"
            + "Cc: carl@example.org\r\nSubject: " + b64("Quarterly café report") + "\r\n"
            + "Date: Tue, 2 Jan 2024 10:00:00 +0000\r\nX-Tag: alpha\r\n\tbeta\r\nMessage-ID: <a@x>\r\n\r\n"
            + "body A\r\n\r\nSubject: not a header\r\n";
    /** LF line ends and a folded Subject. */
    static final String FOLDED_LF = "From: bob@example.net\nSubject: first part\n  second part\n"
            + "Date: Fri, 5 Jan 2024 10:00:00 +0000\nX-Tag: gamma\nReferences: <a@x>\n\nbody B\n";
    /** No blank line: the whole message is its header. */
    static final String NO_BLANK_LINE = "From: carol@example.net\r\nSubject: header only\r\nX-Tag: delta\r\n";
    /** A header over the store's 64 KiB cap: never kept. */
    static final String HUGE = "From: dan@example.net\r\nSubject: huge header\r\nX-Long: " + "a".repeat(70_000)
            + "\r\nX-Tag: epsilon\r\n\r\nbody D\r\n";

    private static Path slotDb(ImapTestServer server, Account a) {
        return server.dir.resolve("data/slots/" + a.slotId() + "/slot.db");
    }

    private static void sql(ImapTestServer server, Account a, String statement, Object... args) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + slotDb(server, a));
             PreparedStatement st = c.prepareStatement(statement)) {
            try (Statement pragma = c.createStatement()) {
                pragma.execute("PRAGMA busy_timeout = 30000");
            }
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 1, args[i]);
            }
            st.executeUpdate();
        }
    }

    private static String literal(String s) {
        return "{" + s.getBytes(StandardCharsets.UTF_8).length + "}\r\n" + s;
    }

    /** A FETCH answer without its message number, so two messages' answers compare. */
    private static String items(List<String> lines) {
        assertThat(lines).hasSize(2);
        assertThat(lines.getLast()).contains(" OK ");
        return lines.getFirst().replaceFirst("^\\* \\d+ FETCH ", "");
    }

    @Test
    void keptAndBlobHeadersAnswerAlike() throws Exception {
        try (ImapTestServer server = new ImapTestServer(dir)) {
            Account alice = server.account("alice@example.com");
            List<String> samples = List.of(ENCODED, FOLDED_LF, NO_BLANK_LINE);
            for (String m : samples) {
                server.deliver(alice, m); // uids 1..3: headers kept
            }
            server.deliver(alice, HUGE); // uid 4: over the cap
            for (String m : samples) {
                server.deliver(alice, m); // uids 5..7: kept, then emptied below
            }
            long inbox = server.mailboxId(alice, "INBOX");
            assertThat(server.store(alice).headers(inbox, 1, 7)).containsOnlyKeys(1L, 2L, 3L, 5L, 6L, 7L);
            sql(server, alice, "UPDATE message SET header = NULL WHERE mailbox_id = ? AND uid >= 5", inbox);
            assertThat(server.store(alice).headers(inbox, 1, 7)).containsOnlyKeys(1L, 2L, 3L);

            try (ImapTestClient c = new ImapTestClient(server.port())) {
                c.login("alice@example.com");
                c.command("SELECT INBOX");
                assertThat(c.command("SEARCH SUBJECT quarterly").getFirst()).isEqualTo("* SEARCH 1 5");
                assertThat(c.command("SEARCH FROM \"ann example\"").getFirst()).isEqualTo("* SEARCH 1 5");
                assertThat(c.command("SEARCH TO alice").getFirst()).isEqualTo("* SEARCH 1 5");
                assertThat(c.command("SEARCH CC carl").getFirst()).isEqualTo("* SEARCH 1 5");
                assertThat(c.command("SEARCH BCC carl").getFirst()).isEqualTo("* SEARCH");
                assertThat(c.command("SEARCH SUBJECT \"part  second\"").getFirst()).isEqualTo("* SEARCH 2 6");
                assertThat(c.command("SEARCH HEADER X-Tag beta").getFirst()).isEqualTo("* SEARCH 1 5");
                assertThat(c.command("SEARCH HEADER X-Tag delta").getFirst()).isEqualTo("* SEARCH 3 7");
                assertThat(c.command("SEARCH HEADER X-Tag epsilon").getFirst()).isEqualTo("* SEARCH 4");
                assertThat(c.command("SEARCH HEADER X-Long aaaa").getFirst()).isEqualTo("* SEARCH 4");
                assertThat(c.command("SEARCH HEADER References \"\"").getFirst()).isEqualTo("* SEARCH 2 6");
                assertThat(c.command("SEARCH SUBJECT \"not a header\"").getFirst()).isEqualTo("* SEARCH");
                assertThat(c.command("SEARCH SENTBEFORE 3-Jan-2024").getFirst()).isEqualTo("* SEARCH 1 5");
                assertThat(c.command("SEARCH SENTON 5-Jan-2024").getFirst()).isEqualTo("* SEARCH 2 6");
                // no Date: the internal date (now) stands in
                assertThat(c.command("SEARCH SENTSINCE 3-Jan-2024").getFirst()).isEqualTo("* SEARCH 2 3 4 6 7");
                assertThat(c.command("UID SEARCH OR SUBJECT huge SUBJECT only").getFirst())
                        .isEqualTo("* SEARCH 3 4 7");
                assertThat(c.command("SORT (SUBJECT) UTF-8 ALL").getFirst()).isEqualTo("* SORT 2 6 3 7 4 1 5");
                assertThat(c.command("THREAD REFERENCES UTF-8 OR SUBJECT quarterly OR SUBJECT part SUBJECT only")
                        .getFirst()).isEqualTo("* THREAD ((1 (2)(6))(5))((3)(7))"); // 5 repeats 1's Message-ID

                for (int i = 1; i <= 3; i++) {
                    String kept = items(c.command("FETCH " + i + " " + HEADER_FETCH));
                    String fromBlob = items(c.command("FETCH " + (i + 4) + " " + HEADER_FETCH));
                    assertThat(kept).isEqualTo(fromBlob);
                    // what BODY[HEADER] says is the start of the message itself
                    String whole = items(c.command("FETCH " + i + " BODY.PEEK[]"));
                    String message = whole.substring(whole.indexOf("}\r\n") + 3, whole.length() - 1);
                    String header = kept.substring(kept.indexOf("}\r\n") + 3);
                    header = header.substring(0, header.indexOf(" BODY[HEADER.FIELDS"));
                    assertThat(message).startsWith(header);
                    assertThat(header).doesNotContain("not a header"); // a body line that looks like a field
                }
                assertThat(items(c.command("FETCH 3 BODY.PEEK[HEADER]")))
                        .isEqualTo("(BODY[HEADER] " + literal(NO_BLANK_LINE) + ")");
                assertThat(items(c.command("FETCH 2 BODY.PEEK[HEADER.FIELDS (SUBJECT)]")))
                        .isEqualTo("(BODY[HEADER.FIELDS (SUBJECT)] " + literal("Subject: first part\n  second part\n\n") + ")");
                assertThat(items(c.command("FETCH 4 (BODY.PEEK[HEADER.FIELDS (X-TAG SUBJECT)])")))
                        .isEqualTo("(BODY[HEADER.FIELDS (X-TAG SUBJECT)] "
                                + literal("Subject: huge header\r\nX-Tag: epsilon\r\n\r\n") + ")");
                // a non-PEEK fetch sets \Seen on both alike, and many messages at once read the same bytes
                assertThat(items(c.command("FETCH 1 (BODY[HEADER.FIELDS (SUBJECT)])")))
                        .isEqualTo(items(c.command("FETCH 5 (BODY[HEADER.FIELDS (SUBJECT)])")));
                List<String> all = c.command("FETCH 1:7 (BODY.PEEK[HEADER.FIELDS (X-TAG)])");
                assertThat(all).hasSize(8);
                for (int i = 0; i < 3; i++) {
                    assertThat(all.get(i).replaceFirst("^\\* \\d+ ", ""))
                            .isEqualTo(all.get(i + 4).replaceFirst("^\\* \\d+ ", ""));
                }
            }
        }
    }

    /**
     * The kept header is what SEARCH and FETCH read when a row has one: a forged value (which {@code verify()}
     * would report) shows through, so the tests above exercise the kept bytes and not the blob.
     */
    @Test
    void aKeptHeaderIsReadInsteadOfTheBlob() throws Exception {
        try (ImapTestServer server = new ImapTestServer(dir)) {
            Account alice = server.account("alice@example.com");
            server.deliver(alice, ImapTestServer.message("real", "body\r\n"));
            long inbox = server.mailboxId(alice, "INBOX");
            sql(server, alice, "UPDATE message SET header = ? WHERE mailbox_id = ? AND uid = 1",
                    "Subject: forged\r\n\r\n".getBytes(StandardCharsets.US_ASCII), inbox);
            try (ImapTestClient c = new ImapTestClient(server.port())) {
                c.login("alice@example.com");
                c.command("SELECT INBOX");
                assertThat(c.command("SEARCH SUBJECT forged").getFirst()).isEqualTo("* SEARCH 1");
                assertThat(c.command("SEARCH SUBJECT real").getFirst()).isEqualTo("* SEARCH");
                assertThat(items(c.command("FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]")))
                        .isEqualTo("(BODY[HEADER.FIELDS (SUBJECT)] " + literal("Subject: forged\r\n\r\n") + ")");
                assertThat(items(c.command("FETCH 1 BODY.PEEK[]"))).contains("Subject: real");
            }
            assertThat(server.store(alice).verify().problems()).anyMatch(p -> p.contains("cached header"));
        }
    }
}
