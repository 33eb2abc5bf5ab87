package org.mailslot.protocols.imap;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Account;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Real sync clients against the server, as subprocesses: mbsync (isync) two-way with changes on both sides, and
 * offlineimap3 one-way to a Maildir. Each side's state is compared as Message-ID to Maildir flag letters
 * (D, F, R, S, T). A missing binary fails the test unless MAILSLOT_SKIP_EXTERNAL=1.
 */
class ImapSyncClientsTest {
    private static final String USER = "alice@example.com";
    private static final int MESSAGES = 2_000;
    private static final Duration CLIENT_TIMEOUT = Duration.ofMinutes(2);
    private static final Pattern FETCH_UID = Pattern.compile("^\\* \\d+ FETCH \\(.*UID (\\d+)", Pattern.DOTALL);
    private static final Pattern FETCH_FLAGS = Pattern.compile("FLAGS \\(([^)]*)\\)");
    private static final Pattern MESSAGE_ID = Pattern.compile("(?i)Message-ID:\\s*(<[^>\\r\\n]+>)");
    private static final Pattern SELECT_EXISTS = Pattern.compile("^\\* (\\d+) EXISTS$");

    @TempDir
    Path dir;

    @Test
    void mbsyncTwoWayWithChangesOnBothSidesEndsIdentical() throws Exception {
        String mbsync = requireBinary("mbsync", "isync");
        try (ImapTestServer server = new ImapTestServer(dir.resolve("server"))) {
            Account alice = server.account(USER);
            Map<String, String> expected = fill(server, alice, MESSAGES);
            Path maildir = dir.resolve("mbsync-mail");
            Files.createDirectories(maildir);
            Path config = dir.resolve("mbsyncrc");
            Files.writeString(config, resource("mbsyncrc")
                    .replace("@PORT@", String.valueOf(server.port()))
                    .replace("@USER@", USER)
                    .replace("@PASS@", ImapTestServer.PASSWORD)
                    .replace("@MAILDIR@", maildir.toString()));
            List<String> cmd = List.of(mbsync, "-c", config.toString(), "-a");

            String first = run(cmd, "mbsync (first sync)");
            assertThat(maildirState(maildir.resolve("INBOX"))).as("Maildir after the first sync\n%s", first).isEqualTo(expected);

            // Server side: flags, a plain \Deleted left for mbsync to expunge (Expunge Both), an expunge, new mail.
            try (ImapTestClient c = new ImapTestClient(server.port())) {
                c.login(USER);
                c.command("SELECT INBOX");
                ok(c, "UID STORE " + uids(c, 1, 100) + " +FLAGS.SILENT (\\Flagged)");
                ok(c, "UID STORE " + uids(c, 101, 300) + " +FLAGS.SILENT (\\Seen)");
                ok(c, "UID STORE " + uids(c, 1, 20) + " -FLAGS.SILENT (\\Flagged)");
                ok(c, "UID STORE " + uids(c, 301, 330) + " +FLAGS.SILENT (\\Deleted)");
                ok(c, "EXPUNGE");
                ok(c, "UID STORE " + uids(c, 331, 350) + " +FLAGS.SILENT (\\Deleted)");
                ok(c, "LOGOUT");
            }
            for (int i = 21; i <= 100; i++) {
                expected.put("<m" + i + "@example.net>", "F");
            }
            for (int i = 101; i <= 300; i++) {
                expected.put("<m" + i + "@example.net>", "S");
            }
            for (int i = 301; i <= 350; i++) {
                expected.remove("<m" + i + "@example.net>");
            }
            for (int i = 0; i < 20; i++) {
                String id = "<new-server-" + i + "@example.net>";
                server.deliver(alice, message(id, "new on the server " + i));
                expected.put(id, "");
            }

            // Maildir side: flags by renaming, a T flag, deleted files, and new messages in new/.
            Path inbox = maildir.resolve("INBOX");
            Map<String, Path> files = maildirFiles(inbox);
            for (int i = 400; i < 500; i++) {
                setMaildirFlags(files.get("<m" + i + "@example.net>"), "S");
                expected.put("<m" + i + "@example.net>", "S");
            }
            for (int i = 500; i < 550; i++) {
                setMaildirFlags(files.get("<m" + i + "@example.net>"), "RS");
                expected.put("<m" + i + "@example.net>", "RS");
            }
            for (int i = 600; i < 650; i++) {
                Files.delete(files.get("<m" + i + "@example.net>"));
                expected.remove("<m" + i + "@example.net>");
            }
            for (int i = 650; i < 660; i++) {
                setMaildirFlags(files.get("<m" + i + "@example.net>"), "T");
                expected.remove("<m" + i + "@example.net>");
            }
            for (int i = 0; i < 5; i++) {
                String id = "<new-local-" + i + "@example.net>";
                Files.writeString(inbox.resolve("new").resolve("1700000000.local" + i + ".testhost"), message(id, "written locally " + i));
                expected.put(id, "");
            }

            String second = run(cmd, "mbsync (second sync)");
            String third = run(cmd, "mbsync (third sync, nothing changed)");
            String log = "--- second\n" + second + "\n--- third\n" + third;
            int count = MESSAGES - 50 - 50 - 10 + 20 + 5;
            assertThat(expected).hasSize(count);
            Map<String, String> onServer = imapState(server.port());
            Map<String, String> onDisk = maildirState(inbox);
            assertThat(onServer).as("server after sync\n%s", log).hasSize(count).isEqualTo(expected);
            assertThat(onDisk).as("Maildir after sync\n%s", log).hasSize(count).isEqualTo(onServer);
        }
    }

    @Test
    void offlineimapSyncsTheAccountThenAServerChange() throws Exception {
        String offlineimap = requireBinary("offlineimap", "offlineimap3");
        try (ImapTestServer server = new ImapTestServer(dir.resolve("server"))) {
            Account alice = server.account(USER);
            Map<String, String> expected = fill(server, alice, MESSAGES);
            Path maildir = dir.resolve("oimap-mail");
            Path meta = dir.resolve("oimap-meta");
            Files.createDirectories(maildir);
            Files.createDirectories(meta);
            Path config = dir.resolve("offlineimaprc");
            Files.writeString(config, resource("offlineimaprc")
                    .replace("@PORT@", String.valueOf(server.port()))
                    .replace("@USER@", USER)
                    .replace("@PASS@", ImapTestServer.PASSWORD)
                    .replace("@MAILDIR@", maildir.toString())
                    .replace("@META@", meta.toString()));
            List<String> cmd = List.of(offlineimap, "-c", config.toString(), "-o", "-u", "basic");

            String first = run(cmd, "offlineimap (first sync)");
            assertThat(maildirState(maildir.resolve("INBOX"))).as("Maildir after the first sync\n%s", first).isEqualTo(expected);

            try (ImapTestClient c = new ImapTestClient(server.port())) {
                c.login(USER);
                c.command("SELECT INBOX");
                ok(c, "UID STORE " + uids(c, 1, 50) + " +FLAGS.SILENT (\\Flagged \\Seen)");
                ok(c, "UID STORE " + uids(c, 51, 60) + " +FLAGS.SILENT (\\Answered)");
                ok(c, "UID STORE " + uids(c, 61, 90) + " +FLAGS.SILENT (\\Deleted)");
                ok(c, "EXPUNGE");
                ok(c, "LOGOUT");
            }
            for (int i = 1; i <= 50; i++) {
                expected.put("<m" + i + "@example.net>", "FS");
            }
            for (int i = 51; i <= 60; i++) {
                expected.put("<m" + i + "@example.net>", "R");
            }
            for (int i = 61; i <= 90; i++) {
                expected.remove("<m" + i + "@example.net>");
            }
            for (int i = 0; i < 10; i++) {
                String id = "<later-" + i + "@example.net>";
                server.deliver(alice, message(id, "arrived later " + i));
                expected.put(id, "");
            }

            String second = run(cmd, "offlineimap (second sync)");
            assertThat(expected).hasSize(MESSAGES - 30 + 10);
            assertThat(imapState(server.port())).as("server").isEqualTo(expected);
            assertThat(maildirState(maildir.resolve("INBOX"))).as("Maildir after the second sync\n%s", second).isEqualTo(expected);
        }
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    /** The binary's path, or a failure naming the package (a skip only with MAILSLOT_SKIP_EXTERNAL=1). */
    private static String requireBinary(String name, String debianPackage) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String d : path.split(File.pathSeparator)) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        String msg = name + " not found on PATH (" + path + "): install Debian's " + debianPackage
                + " (.ci/run does), or set MAILSLOT_SKIP_EXTERNAL=1 to skip";
        if ("1".equals(System.getenv("MAILSLOT_SKIP_EXTERNAL"))) {
            Assumptions.abort(msg);
        }
        return fail(msg);
    }

    /** Runs a client with a bounded time; returns its output, fails with it on a non-zero exit or timeout. */
    private String run(List<String> cmd, String what) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "client", ".log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        p.getOutputStream().close();
        boolean done = p.waitFor(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        if (!done) {
            fail(what + " did not finish within " + CLIENT_TIMEOUT + ": " + String.join(" ", cmd) + "\n" + output);
        }
        if (p.exitValue() != 0) {
            fail(what + " exited with " + p.exitValue() + ": " + String.join(" ", cmd) + "\n" + output);
        }
        return output;
    }

    /**
     * Delivers m1..mn straight to the store, UID i for m{i}: in order, but in batches delivered concurrently so the
     * store's group commit shares the fsyncs (one at a time takes 20 s here). Returns Message-ID to flags (none).
     */
    private static Map<String, String> fill(ImapTestServer server, Account a, int n) throws Exception {
        Map<String, String> expected = new TreeMap<>();
        int batch = 50;
        for (int from = 1; from <= n; from += batch) {
            int start = from;
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Long>> uids = new ArrayList<>();
                for (int i = start; i < start + batch && i <= n; i++) {
                    String id = "<m" + i + "@example.net>";
                    uids.add(pool.submit(() -> server.deliver(a, message(id, "message number " + id))));
                    expected.put(id, "");
                }
                for (Future<Long> f : uids) {
                    f.get();
                }
            }
        }
        return expected;
    }

    static String message(String messageId, String text) {
        return "From: sender@example.net\r\nTo: " + USER + "\r\nSubject: " + text + "\r\nMessage-ID: " + messageId
                + "\r\nDate: Tue, 1 Dec 2026 10:00:00 +0000\r\n\r\n" + text + "\r\n";
    }

    private String resource(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("sync/" + name)) {
            assertThat(in).as("resource sync/" + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The UIDs of m{from}..m{to} in the selected mailbox, as a UID set (delivery order is not UID order). */
    private static String uids(ImapTestClient c, int from, int to) throws IOException {
        List<String> r = c.command("UID FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])");
        Map<String, String> byId = new TreeMap<>();
        for (String line : r.subList(0, r.size() - 1)) {
            Matcher u = FETCH_UID.matcher(line);
            Matcher id = MESSAGE_ID.matcher(line);
            if (u.find() && id.find()) {
                byId.put(id.group(1), u.group(1));
            }
        }
        List<String> set = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            String uid = byId.get("<m" + i + "@example.net>");
            assertThat(uid).as("UID of m%d", i).isNotNull();
            set.add(uid);
        }
        return String.join(",", set);
    }

    private static void ok(ImapTestClient c, String command) throws IOException {
        List<String> r = c.command(command);
        assertThat(r.getLast()).as(command + " -> " + r).contains(" OK");
    }

    /** INBOX on the server as Message-ID to Maildir flag letters, read over IMAP. */
    static Map<String, String> imapState(int port) throws IOException {
        try (ImapTestClient c = new ImapTestClient(port)) {
            c.login(USER);
            List<String> sel = c.command("EXAMINE INBOX");
            int exists = sel.stream().map(SELECT_EXISTS::matcher).filter(Matcher::matches)
                    .mapToInt(m -> Integer.parseInt(m.group(1))).findFirst().orElseThrow();
            Map<String, String> state = new TreeMap<>();
            if (exists == 0) {
                return state;
            }
            List<String> r = c.command("UID FETCH 1:* (UID FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])");
            assertThat(r.getLast()).contains(" OK");
            for (String line : r.subList(0, r.size() - 1)) {
                if (!FETCH_UID.matcher(line).find()) {
                    continue;
                }
                Matcher f = FETCH_FLAGS.matcher(line);
                Matcher id = MESSAGE_ID.matcher(line);
                assertThat(f.find() && id.find()).as(line).isTrue();
                String previous = state.put(id.group(1), letters(f.group(1)));
                assertThat(previous).as("Message-ID twice on the server: %s", id.group(1)).isNull();
            }
            assertThat(state).as("one FETCH per message").hasSize(exists);
            return state;
        }
    }

    private static String letters(String imapFlags) {
        TreeSet<Character> out = new TreeSet<>();
        for (String f : imapFlags.split(" ")) {
            switch (f.toLowerCase()) {
                case "\\draft" -> out.add('D');
                case "\\flagged" -> out.add('F');
                case "\\answered" -> out.add('R');
                case "\\seen" -> out.add('S');
                case "\\deleted" -> out.add('T');
                default -> { }
            }
        }
        StringBuilder b = new StringBuilder();
        out.forEach(b::append);
        return b.toString();
    }

    /** A Maildir folder as Message-ID to the flag letters of the file name (":2,<letters>", D F R S T only). */
    static Map<String, String> maildirState(Path folder) throws IOException {
        Map<String, String> state = new TreeMap<>();
        for (Map.Entry<String, Path> e : maildirFiles(folder).entrySet()) {
            String name = e.getValue().getFileName().toString();
            int i = name.indexOf(":2,");
            String flags = i < 0 ? "" : name.substring(i + 3);
            StringBuilder b = new StringBuilder();
            flags.chars().filter(ch -> "DFRST".indexOf(ch) >= 0).sorted().forEach(ch -> b.append((char) ch));
            state.put(e.getKey(), b.toString());
        }
        return state;
    }

    private static Map<String, Path> maildirFiles(Path folder) throws IOException {
        Map<String, Path> files = new TreeMap<>();
        for (String sub : List.of("cur", "new")) {
            Path d = folder.resolve(sub);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> s = Files.list(d)) {
                for (Path p : s.toList()) {
                    String head = new String(readHead(p), StandardCharsets.UTF_8);
                    Matcher m = MESSAGE_ID.matcher(head);
                    assertThat(m.find()).as("Message-ID in %s", p).isTrue();
                    Path previous = files.put(m.group(1), p);
                    assertThat(previous).as("Message-ID twice in the Maildir: %s", m.group(1)).isNull();
                }
            }
        }
        return files;
    }

    private static byte[] readHead(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            return in.readNBytes(4096);
        }
    }

    /** Renames a Maildir file into cur/ with the given flag letters, as a mail client does. */
    private static void setMaildirFlags(Path file, String flags) throws IOException {
        String name = file.getFileName().toString();
        int i = name.indexOf(":2,");
        String base = i < 0 ? name : name.substring(0, i);
        Files.move(file, file.getParent().resolveSibling("cur").resolve(base + ":2," + flags));
    }
}
