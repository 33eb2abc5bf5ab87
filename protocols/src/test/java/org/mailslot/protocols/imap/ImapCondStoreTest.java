package org.mailslot.protocols.imap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Account;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** CONDSTORE (RFC 7162): HIGHESTMODSEQ, MODSEQ in FETCH, CHANGEDSINCE, UNCHANGEDSINCE with MODIFIED, .SILENT. */
class ImapCondStoreTest {
    @TempDir
    Path dir;

    @Test
    void conditionalStoreAndChangedSince() throws Exception {
        try (ImapTestServer server = new ImapTestServer(dir)) {
            Account alice = server.account("alice@example.com");
            server.deliver(alice, ImapTestServer.message("one", "a\r\n"));
            server.deliver(alice, ImapTestServer.message("two", "b\r\n"));
            try (ImapTestClient a = new ImapTestClient(server.port()); ImapTestClient b = new ImapTestClient(server.port())) {
                a.login("alice@example.com");
                b.login("alice@example.com");
                List<String> sel = a.command("SELECT INBOX (CONDSTORE)");
                long highest = highest(sel);
                assertThat(highest).isPositive();
                b.command("SELECT INBOX");
                assertThat(b.command("STORE 1 +FLAGS (\\Flagged)").getLast()).endsWith("OK STORE completed");
                // a's view of message 1 is stale: the conditional store fails for it and succeeds for 2
                List<String> r = a.command("STORE 1:2 (UNCHANGEDSINCE " + highest + ") +FLAGS.SILENT (\\Seen)");
                assertThat(r.getLast()).isEqualTo("t3 OK [MODIFIED 1] Conditional STORE failed for some messages");
                assertThat(r).anyMatch(l -> l.matches("\\* 2 FETCH \\(MODSEQ \\(\\d+\\)\\)"));
                assertThat(r).anyMatch(l -> l.matches("\\* 1 FETCH \\(FLAGS \\(\\\\Flagged\\) MODSEQ \\(\\d+\\)\\)"));
                List<String> changed = a.command("FETCH 1:* (FLAGS) (CHANGEDSINCE " + highest + ")");
                assertThat(changed).hasSize(3);
                assertThat(changed.get(0)).matches("\\* 1 FETCH \\(FLAGS \\(\\\\Flagged\\) MODSEQ \\(\\d+\\)\\)");
                assertThat(a.command("STORE 1 (UNCHANGEDSINCE 0) +FLAGS (\\Answered)").getLast())
                        .isEqualTo("t5 OK [MODIFIED 1] Conditional STORE failed for some messages");
            }
        }
    }

    private static long highest(List<String> lines) {
        Pattern p = Pattern.compile("\\[HIGHESTMODSEQ (\\d+)]");
        for (String l : lines) {
            Matcher m = p.matcher(l);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        return -1;
    }
}
