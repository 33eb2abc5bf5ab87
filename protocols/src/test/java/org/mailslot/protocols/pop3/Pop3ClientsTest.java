package org.mailslot.protocols.pop3;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import org.eclipse.angus.mail.pop3.POP3Folder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Account;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Real clients against the server: Python's poplib, fetchmail, and Angus Mail's POP3 provider. */
class Pop3ClientsTest {
    @TempDir
    Path dir;
    Pop3TestServer server;
    Account alice;
    final List<byte[]> sent = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = new Pop3TestServer(dir);
        alice = server.account("alice@example.com");
        for (int i = 1; i <= 3; i++) {
            byte[] m = Pop3TestServer.message("client test " + i, ".starts with a dot\r\nline " + i + "\r\n.\r\n")
                    .getBytes(StandardCharsets.UTF_8);
            sent.add(m);
            server.deliver(alice, m);
        }
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void pythonPoplib() throws Exception {
        Path script = dir.resolve("pop.py");
        Files.writeString(script, """
                import hashlib, poplib, sys
                p = poplib.POP3('127.0.0.1', int(sys.argv[1]), timeout=20)
                p.user('alice@example.com')
                p.pass_('correct horse')
                print('STAT', *p.stat())
                print('LIST', len(p.list()[1]))
                print('UIDL', len(p.uidl()[1]))
                for i in range(1, 4):
                    resp, lines, octets = p.retr(i)
                    print('RETR', i, hashlib.sha256(b'\\r\\n'.join(lines) + b'\\r\\n').hexdigest())
                print('DELE', p.dele(1).decode())
                print('QUIT', p.quit().decode())
                """);
        List<String> out = run(List.of(python(), script.toString(), String.valueOf(server.port())));
        int total = sent.stream().mapToInt(b -> b.length).sum();
        assertThat(out).contains("STAT 3 " + total, "LIST 3", "UIDL 3", "DELE +OK Message 1 deleted",
                "QUIT +OK Logging out, 1 messages deleted");
        for (int i = 0; i < 3; i++) {
            assertThat(out).contains("RETR " + (i + 1) + " " + Pop3SessionTest.sha256(sent.get(i)));
        }
        assertThat(server.store(alice).messages(server.inboxId(alice))).hasSize(2);
    }

    @Test
    void fetchmailPullsAndDeletesEverything() throws Exception {
        Path fetchmail = Path.of("/usr/bin/fetchmail");
        if (!Files.isExecutable(fetchmail)) {
            if ("1".equals(System.getenv("MAILSLOT_SKIP_EXTERNAL"))) {
                return;
            }
            fail("/usr/bin/fetchmail is missing: install the Debian package fetchmail, or set MAILSLOT_SKIP_EXTERNAL=1");
        }
        Path home = Files.createDirectories(dir.resolve("home"));
        Path mbox = home.resolve("mbox");
        Path rc = home.resolve("fetchmailrc");
        Files.writeString(rc, "set no syslog\n"
                + "poll 127.0.0.1 protocol pop3 port " + server.port() + " auth password timeout 20\n"
                + "  user \"alice@example.com\" password \"correct horse\"\n"
                + "  sslproto '' no sslcertck fetchall mda \"cat >> " + mbox + "\"\n");
        Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rw-------"));
        run(List.of(fetchmail.toString(), "-f", rc.toString(), "--idfile", home.resolve("ids").toString(),
                "--pidfile", home.resolve("pid").toString(), "-v", "--nodetach"), "HOME", home.toString());
        String got = Files.readString(mbox, StandardCharsets.UTF_8);
        for (int i = 1; i <= 3; i++) {
            assertThat(got).contains("Subject: client test " + i, "line " + i);
        }
        assertThat(got).contains("\n.starts with a dot");
        assertThat(server.store(alice).messages(server.inboxId(alice))).isEmpty();
    }

    @Test
    void angusMailReadsOverPlainAndImplicitTls() throws Exception {
        Properties props = new Properties();
        props.setProperty("mail.pop3s.ssl.trust", "*");
        props.setProperty("mail.pop3.connectiontimeout", "20000");
        props.setProperty("mail.pop3.timeout", "20000");
        Session session = Session.getInstance(props);
        for (String protocol : List.of("pop3", "pop3s")) {
            int port = protocol.equals("pop3") ? server.port() : server.tlsPort();
            try (Store store = session.getStore(protocol)) {
                store.connect("127.0.0.1", port, "alice@example.com", Pop3TestServer.PASSWORD);
                Folder inbox = store.getFolder("INBOX");
                inbox.open(Folder.READ_ONLY);
                Message[] messages = inbox.getMessages();
                assertThat(messages).hasSize(3);
                for (int i = 0; i < 3; i++) {
                    assertThat(messages[i].getSubject()).isEqualTo("client test " + (i + 1));
                    assertThat((String) messages[i].getContent()).startsWith(".starts with a dot");
                    assertThat(((POP3Folder) inbox).getUID(messages[i])).matches("\\d+\\.\\d+");
                }
                inbox.close(false);
            }
        }
    }

    private static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    private static List<String> run(List<String> command, String... env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        for (int i = 0; i + 1 < env.length; i += 2) {
            pb.environment().put(env[i], env[i + 1]);
        }
        Process p = pb.start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(command.getFirst() + " did not finish:\n" + output);
        }
        assertThat(p.exitValue()).as(command.getFirst() + " exit status; output:\n" + output).isZero();
        return output.lines().toList();
    }
}
