package org.mailslot.protocols.imap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Account;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** QRESYNC (RFC 7162 3.2): resync on SELECT, UID FETCH VANISHED, VANISHED instead of EXPUNGE, CLOSED. */
class ImapQresyncTest {
    @TempDir
    Path dir;

    @Test
    void reconnectingClientGetsExactlyWhatChanged() throws Exception {
        try (ImapTestServer server = new ImapTestServer(dir)) {
            Account alice = server.account("alice@example.com");
            for (int i = 1; i <= 6; i++) {
                server.deliver(alice, ImapTestServer.message("m" + i, "body " + i + "\r\n"));
            }
            long uidValidity;
            long highest;
            try (ImapTestClient a = new ImapTestClient(server.port())) {
                a.login("alice@example.com");
                assertThat(a.command("ENABLE QRESYNC")).containsExactly("* ENABLED QRESYNC", "t2 OK Enabled");
                List<String> sel = a.command("SELECT INBOX (QRESYNC (999999 1))");
                assertThat(sel.getLast()).isEqualTo("t3 OK [READ-WRITE] SELECT completed");
                assertThat(sel).noneMatch(l -> l.contains("VANISHED") || l.contains("FETCH")); // UIDVALIDITY differs
                uidValidity = code(sel, "UIDVALIDITY");
                highest = code(sel, "HIGHESTMODSEQ");
            }
            try (ImapTestClient b = new ImapTestClient(server.port())) {
                b.login("alice@example.com");
                b.command("SELECT INBOX");
                b.command("STORE 2,5 +FLAGS (\\Flagged)");
                b.command("STORE 3,4 +FLAGS (\\Deleted)");
                assertThat(b.command("EXPUNGE")).containsExactly("* 4 EXPUNGE", "* 3 EXPUNGE", "t5 OK EXPUNGE completed");
                b.command("STORE 4 +FLAGS (\\Seen)"); // uid 6
            }
            server.deliver(alice, ImapTestServer.message("m7", "body 7\r\n"));
            try (ImapTestClient a = new ImapTestClient(server.port())) {
                a.login("alice@example.com");
                a.command("ENABLE QRESYNC");
                List<String> sel = a.command("SELECT INBOX (QRESYNC (" + uidValidity + " " + highest + " 1:6))");
                assertThat(sel).filteredOn(l -> l.contains("FETCH") || l.contains("VANISHED")).satisfiesExactly(
                        l -> assertThat(l).matches("\\* 2 FETCH \\(UID 2 FLAGS \\(\\\\Flagged\\) MODSEQ \\(\\d+\\)\\)"),
                        l -> assertThat(l).matches("\\* 3 FETCH \\(UID 5 FLAGS \\(\\\\Flagged\\) MODSEQ \\(\\d+\\)\\)"),
                        l -> assertThat(l).matches("\\* 4 FETCH \\(UID 6 FLAGS \\(\\\\Seen\\) MODSEQ \\(\\d+\\)\\)"),
                        l -> assertThat(l).isEqualTo("* VANISHED (EARLIER) 3:4"));
                assertThat(sel).contains("* 5 EXISTS");
                assertThat(sel.getLast()).isEqualTo("t3 OK [READ-WRITE] SELECT completed");
                long now = code(sel, "HIGHESTMODSEQ");
                // nothing changed since: nothing to tell
                List<String> again = a.command("SELECT INBOX (QRESYNC (" + uidValidity + " " + now + "))");
                assertThat(again.getFirst()).isEqualTo("* OK [CLOSED] Previous mailbox closed");
                assertThat(again).noneMatch(l -> l.contains("FETCH") || l.contains("VANISHED"));
                // UID FETCH ... (CHANGEDSINCE m VANISHED) from the old state
                List<String> fetched = a.command("UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + highest + " VANISHED)");
                assertThat(fetched.getFirst()).isEqualTo("* VANISHED (EARLIER) 3:4");
                assertThat(fetched).hasSize(6); // vanished, uids 2, 5, 6, 7, tagged
                assertThat(fetched.get(4)).matches("\\* 5 FETCH \\(UID 7 FLAGS \\(\\) MODSEQ \\(\\d+\\)\\)");
                assertThat(a.command("UID FETCH 5:* (FLAGS) (CHANGEDSINCE " + highest + " VANISHED)").getFirst())
                        .matches("\\* 3 FETCH .*");
            }
        }
    }

    @Test
    void expungesAreAnnouncedAsVanished() throws Exception {
        try (ImapTestServer server = new ImapTestServer(dir)) {
            Account alice = server.account("alice@example.com");
            for (int i = 1; i <= 4; i++) {
                server.deliver(alice, ImapTestServer.message("m" + i, "body\r\n"));
            }
            try (ImapTestClient a = new ImapTestClient(server.port()); ImapTestClient b = new ImapTestClient(server.port())) {
                a.login("alice@example.com");
                b.login("alice@example.com");
                a.command("ENABLE QRESYNC");
                a.command("SELECT INBOX");
                b.command("SELECT INBOX");
                b.command("STORE 1 +FLAGS.SILENT (\\Deleted)");
                b.command("EXPUNGE");
                List<String> noop = a.command("NOOP");
                assertThat(noop).containsExactly("* VANISHED 1", "t4 OK NOOP completed");
                a.command("STORE 2:3 +FLAGS.SILENT (\\Deleted)");
                assertThat(a.command("EXPUNGE")).containsExactly("* VANISHED 3:4", "t6 OK EXPUNGE completed");
                // IDLE: another session's expunge arrives as VANISHED
                a.send("i1 IDLE");
                assertThat(a.readLine()).startsWith("+ ");
                b.command("NOOP");
                b.command("STORE 1 +FLAGS.SILENT (\\Deleted)");
                b.command("EXPUNGE");
                String line = a.readLine();
                while (line.contains(" FETCH ")) { // the \\Deleted flag may be told first
                    line = a.readLine();
                }
                assertThat(line).isEqualTo("* VANISHED 2");
                a.send("DONE");
                assertThat(a.until("i1")).containsExactly("i1 OK IDLE terminated");
                // an unsolicited flag change carries the UID
                a.command("NOOP");
                server.deliver(alice, ImapTestServer.message("m5", "body\r\n"));
                assertThat(a.command("NOOP")).containsExactly("* 1 EXISTS", "t8 OK NOOP completed");
                b.command("NOOP");
                b.command("STORE 1 +FLAGS (\\Seen)");
                assertThat(a.command("NOOP").getFirst()).matches("\\* 1 FETCH \\(UID 5 FLAGS \\(\\\\Seen\\) MODSEQ \\(\\d+\\)\\)");
            }
        }
    }

    @Test
    void qresyncParametersNeedEnable() throws Exception {
        try (ImapTestServer server = new ImapTestServer(dir)) {
            server.account("alice@example.com");
            try (ImapTestClient a = new ImapTestClient(server.port())) {
                a.login("alice@example.com");
                assertThat(a.command("SELECT INBOX (QRESYNC (1 1))").getLast()).startsWith("t2 BAD ");
                a.command("SELECT INBOX");
                assertThat(a.command("UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)").getLast()).startsWith("t4 BAD ");
                assertThat(a.command("CAPABILITY").getFirst()).contains(" QRESYNC");
            }
        }
    }

    private static long code(List<String> lines, String name) {
        Pattern p = Pattern.compile("\\[" + name + " (\\d+)]");
        for (String l : lines) {
            Matcher m = p.matcher(l);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError(name + " missing in " + lines);
    }
}
