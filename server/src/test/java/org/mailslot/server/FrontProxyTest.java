package org.mailslot.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.protocols.auth.ProxyToken;
import org.mailslot.protocols.auth.SaslPlain;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A front in front of three store nodes, driven by real clients: Python's imaplib suite, poplib and swaks through
 * the front's proxy and MX; then a switchover and a failover under proxied sessions and MX load.
 */
class FrontProxyTest {
    private static final Path MBSYNCRC = Path.of("../protocols/src/test/resources/org/mailslot/protocols/imap/sync/mbsyncrc");
    private static final Path IMAPLIB_SUITE = Path.of("../protocols/src/test/resources/org/mailslot/protocols/imap/imaplib_suite.py");

    @TempDir
    Path dir;

    private static NodeProcess startFront(StoreCluster cluster, Path dir, String extra) throws Exception {
        NodeProcess front = NodeProcess.configure(dir.resolve("front1"), "front1", "front", NodeProcess.FREE_PORTS,
                cluster.frontKeys(cluster.spareAddress(1)) + extra);
        front.launch(List.of());
        return front;
    }

    @Test
    void realClientsThroughTheFrontReachTheirSlotsMaster() throws Exception {
        try (StoreCluster cluster = StoreCluster.start(dir, 3, 1, n -> "", true);
             NodeProcess front = startFront(cluster, dir, "")) {
            int slot = cluster.slotMasteredBy("node2");
            String alice = cluster.addAccounts("alice", slot, 1).getFirst();
            String bob = cluster.addAccounts("bob", cluster.slotMasteredBy("node3"), 1).getFirst();

            // inbound mail through the front's MX lands in both masters' slots
            String swaks = run("swaks", "--server", "127.0.0.1", "--port", String.valueOf(front.port("smtp")),
                    "--from", "sender@elsewhere.test", "--to", alice + "," + bob, "--header", "Subject: via the front");
            assertThat(swaks).contains("250 2.0.0 Ok: delivered");
            try (MailClients.Imap imap = new MailClients.Imap("127.0.0.1", front.port("imap"))) {
                assertThat(imap.login(bob, StoreCluster.PASSWORD).ok()).isTrue();
                imap.select("INBOX");
                assertThat(imap.command("FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]").untagged().toString()).contains("via the front");
            }
            // open relay and unknown users are refused at the front
            String relay = run("swaks", "--server", "127.0.0.1", "--port", String.valueOf(front.port("smtp")),
                    "--from", "x@elsewhere.test", "--to", "victim@gmail.example", "--quit-after", "RCPT");
            assertThat(relay).contains("554 5.7.1");

            // the whole imaplib suite (literals, IDLE, COMPRESS=DEFLATE, ...) relayed byte for byte
            String carol = cluster.addAccounts("carol", slot, 1).getFirst(); // the suite wants an empty INBOX
            Process p = new ProcessBuilder("python3", IMAPLIB_SUITE.toString(), String.valueOf(front.port("imap")),
                    carol, StoreCluster.PASSWORD).redirectErrorStream(true).start();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(out).as(out).contains("ALL OK");

            // POP3 with poplib, and a wrong password refused by the front itself
            String pop = python("""
                    import poplib, sys
                    p = poplib.POP3('127.0.0.1', %d)
                    p.user('%s'); p.pass_('%s')
                    count, size = p.stat()
                    print('COUNT', count)
                    print('TOP', b'via the front' in b'\\n'.join(p.top(1, 0)[1]))
                    p.quit()
                    q = poplib.POP3('127.0.0.1', %d)
                    q.user('%s')
                    try:
                        q.pass_('wrong'); print('WRONG ACCEPTED')
                    except poplib.error_proto as e:
                        print('REFUSED', e)
                    """.formatted(front.port("pop3"), bob, StoreCluster.PASSWORD, front.port("pop3"), bob));
            assertThat(pop).contains("COUNT 1", "TOP True", "REFUSED b'-ERR [AUTH]");

            // mbsync (isync) two-way through the front: bob's INBOX into a Maildir, a flag set there, synced back
            Path maildir = java.nio.file.Files.createDirectories(dir.resolve("mbsync-mail"));
            Path mbsyncrc = dir.resolve("mbsyncrc");
            Files.writeString(mbsyncrc, Files.readString(MBSYNCRC).replace("@PORT@", String.valueOf(front.port("imap")))
                    .replace("@USER@", bob).replace("@PASS@", StoreCluster.PASSWORD).replace("@MAILDIR@", maildir.toString()));
            String sync = run("mbsync", "-c", mbsyncrc.toString(), "-a");
            Path cur = maildir.resolve("INBOX").resolve("cur");
            List<Path> synced = new ArrayList<>();
            for (String sub : List.of("new", "cur")) {
                try (var files = Files.list(maildir.resolve("INBOX").resolve(sub))) {
                    synced.addAll(files.toList());
                }
            }
            assertThat(synced).as(sync).hasSize(1);
            assertThat(sync).doesNotContain("Error");
            String name = synced.getFirst().getFileName().toString();
            Files.move(synced.getFirst(), cur.resolve((name.contains(":2,") ? name.substring(0, name.indexOf(":2,")) : name) + ":2,F"));
            run("mbsync", "-c", mbsyncrc.toString(), "-a");
            try (MailClients.Imap imap = new MailClients.Imap("127.0.0.1", front.port("imap"))) {
                assertThat(imap.login(bob, StoreCluster.PASSWORD).ok()).isTrue();
                imap.select("INBOX");
                assertThat(imap.command("FETCH 1 FLAGS").untagged().toString()).contains("\\Flagged");
            }

            // fetchmail through the front's POP3: pulls and deletes
            Path home = Files.createDirectories(dir.resolve("fetchmail-home"));
            Path mbox = home.resolve("mbox");
            Path rc = home.resolve("fetchmailrc");
            Files.writeString(rc, "set no syslog\npoll 127.0.0.1 protocol pop3 port " + front.port("pop3")
                    + " auth password timeout 20\n  user \"" + bob + "\" password \"" + StoreCluster.PASSWORD + "\"\n"
                    + "  sslproto '' no sslcertck fetchall mda \"cat >> " + mbox + "\"\n");
            Files.setPosixFilePermissions(rc, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            ProcessBuilder fetch = new ProcessBuilder("fetchmail", "-f", rc.toString(), "--idfile", home.resolve("ids").toString(),
                    "--pidfile", home.resolve("pid").toString(), "--nodetach").redirectErrorStream(true);
            fetch.environment().put("HOME", home.toString());
            Process f = fetch.start();
            assertThat(f.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String fetched = new String(f.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(Files.readString(mbox)).as(fetched).contains("Subject: via the front");

            // Python's smtplib at the front: MX, then submission with STARTTLS and LOGIN; a forged From is refused
            String smtplib = python("""
                    import smtplib, ssl
                    mx = smtplib.SMTP('127.0.0.1', %d)
                    mx.sendmail('x@elsewhere.test', ['%s'], b'From: x@elsewhere.test\\r\\nSubject: smtplib mx\\r\\n\\r\\nhi\\r\\n')
                    mx.quit()
                    s = smtplib.SMTP('127.0.0.1', %d)
                    ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                    s.starttls(context=ctx)
                    s.login('%s', '%s')
                    s.sendmail('%s', ['%s'], b'From: %s\\r\\nSubject: smtplib submission\\r\\n\\r\\nhi\\r\\n')
                    try:
                        s.sendmail('%s', ['%s'], b'From: %s\\r\\nSubject: forged\\r\\n\\r\\nhi\\r\\n')
                        print('FORGED ACCEPTED')
                    except smtplib.SMTPDataError as e:
                        print('FORGED REFUSED', e.smtp_code)
                    s.quit()
                    print('SMTPLIB OK')
                    """.formatted(front.port("smtp"), bob, front.port("submission"), alice, StoreCluster.PASSWORD,
                    alice, bob, alice, alice, bob, bob));
            assertThat(smtplib).contains("FORGED REFUSED 553", "SMTPLIB OK");

            // submission: AUTH after STARTTLS at the front; the store checks the sender and keeps a copy in Sent
            String sub = run("swaks", "--server", "127.0.0.1", "--port", String.valueOf(front.port("submission")), "--tls",
                    "--auth", "PLAIN", "--auth-user", alice, "--auth-password", StoreCluster.PASSWORD,
                    "--from", alice, "--to", bob, "--header", "Subject: submitted via the front");
            assertThat(sub).contains("235 2.7.0", "250 2.0.0");
            String forged = run("swaks", "--server", "127.0.0.1", "--port", String.valueOf(front.port("submission")), "--tls",
                    "--auth", "PLAIN", "--auth-user", alice, "--auth-password", StoreCluster.PASSWORD,
                    "--from", bob, "--to", alice, "--quit-after", "MAIL");
            assertThat(forged).contains("553 5.7.1");
        }
    }

    /** Garbage at every pre-login service of a front: precise refusals, no crash, no stack trace, still serving. */
    @Test
    void theFrontsPreLoginStateSurvivesGarbage() throws Exception {
        try (StoreCluster cluster = StoreCluster.start(dir, 2, 2, n -> "", true);
             NodeProcess front = startFront(cluster, dir, "")) {
            String alice = cluster.addAccounts("alice", cluster.slotMasteredBy("node2"), 1).getFirst();
            java.util.Random random = new java.util.Random(42);
            String[] seeds = {"A1 LOGIN {99999999999}\r\n", "A1 AUTHENTICATE PLAIN =\r\n", "AUTH PLAIN AAAA\r\n",
                    "A1 LOGIN \"a\\\"b\" {5+}\r\nxx\r\n", "USER " + "x".repeat(70_000) + "\r\n", "EHLO x\r\nAUTH PLAIN\r\n*\r\n",
                    "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003", "A1 ID (\"name\" {3}\r\nabc)\r\n", "\r\n\r\n\u0000\u0000\r\n"};
            int sessions = 0;
            for (String service : List.of("imap", "pop3", "submission", "smtp")) {
                for (int i = 0; i < 40; i++) {
                    try (java.net.Socket s = new java.net.Socket("127.0.0.1", front.port(service))) {
                        s.setSoTimeout(5000);
                        java.io.OutputStream out = s.getOutputStream();
                        byte[] junk = new byte[random.nextInt(2000)];
                        random.nextBytes(junk);
                        out.write(i % 2 == 0 ? seeds[i / 2 % seeds.length].getBytes(StandardCharsets.ISO_8859_1) : junk);
                        out.write("\r\n".getBytes());
                        out.flush();
                        s.shutdownOutput();
                        String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                        assertThat(reply).as(service).doesNotContain("Exception", "at org.");
                        sessions++;
                    } catch (java.net.SocketException | java.net.SocketTimeoutException e) {
                        sessions++; // the front closed on us: fine, as long as it keeps serving
                    }
                }
            }
            assertThat(sessions).isEqualTo(160);
            // precise answers at the front's MX: a malformed address, an oversize declaration, an oversize message
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", front.port("smtp"))) {
                s.setSoTimeout(10_000);
                var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                var out = s.getOutputStream();
                java.util.function.Function<String, String> cmd = line -> {
                    try {
                        out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                        String reply;
                        do {
                            reply = in.readLine();
                        } while (reply != null && reply.length() > 3 && reply.charAt(3) == '-');
                        return reply;
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                };
                assertThat(in.readLine()).startsWith("220 ");
                assertThat(cmd.apply("EHLO fuzz.test")).startsWith("250 ");
                assertThat(cmd.apply("MAIL FROM:<x@elsewhere.test> SIZE=99999999999")).startsWith("552 5.3.4");
                assertThat(cmd.apply("MAIL FROM:<x@elsewhere.test>")).startsWith("250");
                assertThat(cmd.apply("RCPT TO:<a@@b..example>")).startsWith("501 5.1.3");
                assertThat(cmd.apply("RCPT TO:<" + alice + ">")).startsWith("250");
                assertThat(cmd.apply("DATA")).startsWith("354");
                byte[] line = ("x".repeat(998) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
                for (int i = 0; i < 55_000; i++) { // 55 MB, over the default 50 MB message size limit
                    out.write(line);
                }
                out.write(".\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                assertThat(in.readLine()).startsWith("552 5.3.4");
            }
            try (MailClients.Imap imap = new MailClients.Imap("127.0.0.1", front.port("imap"))) {
                assertThat(imap.login(alice, StoreCluster.PASSWORD).ok()).isTrue();
            }
            // failed logins are throttled by the front itself, per client address and per account
            for (int i = 0; i < 3; i++) {
                try (MailClients.Imap imap = new MailClients.Imap("127.0.0.1", front.port("imap"))) {
                    assertThat(imap.login(alice, "wrong-" + i).tagged()).startsWith("NO [AUTHENTICATIONFAILED]");
                }
            }
            assertThat(front.log()).contains("authentication failed for '" + alice + "' from 127.0.0.1 (failure 3 for this address");
            assertThat(front.log()).doesNotContain("incident", "Exception in thread");
        }
    }

    @Test
    void aProxyTokenIsTheOnlyWayToLogInAsSomeoneElse() throws Exception {
        try (StoreCluster cluster = StoreCluster.start(dir, 2, 2, n -> "", true)) {
            int slot = cluster.slotMasteredBy("node1");
            String alice = cluster.addAccounts("alice", slot, 1).getFirst();
            String mallory = cluster.addAccounts("mallory", slot, 1).getFirst();
            String address = cluster.nodeAddress(1);
            int port = cluster.servicePort();
            try (MailClients.Imap imap = new MailClients.Imap(address, port)) {
                // a user's own password does not buy another identity
                assertThat(imap.command("AUTHENTICATE PLAIN " + SaslPlain.encode(alice, mallory, StoreCluster.PASSWORD)).tagged())
                        .startsWith("NO");
                // a token made with another secret is refused
                String forged = new ProxyToken("not-the-cluster-secret-xx", Clock.systemUTC()).issue(alice, "192.0.2.7:40000");
                assertThat(imap.command("AUTHENTICATE PLAIN " + SaslPlain.encode(alice, ProxyToken.PROXY_USER, forged)).tagged())
                        .startsWith("NO");
                String real = new ProxyToken(StoreCluster.SECRET, Clock.systemUTC()).issue(alice, "192.0.2.7:40000");
                assertThat(imap.command("AUTHENTICATE PLAIN " + SaslPlain.encode(alice, ProxyToken.PROXY_USER, real)).tagged())
                        .startsWith("OK");
                // the store names the client the token carries, not the front, from then on
                assertThat(StoreCluster.await(Duration.ofSeconds(5), () -> logOf(cluster.node(1))
                        .contains("logged in as " + alice + " by proxy login"))).isTrue();
                assertThat(logOf(cluster.node(1))).contains("for client 192.0.2.7:40000", "from 192.0.2.7: logged in as " + alice);
            }
        }
    }

    @Test
    void aSwitchoverEndsProxiedSessionsAndLosesNoInboundMail() throws Exception {
        try (StoreCluster cluster = StoreCluster.start(dir, 3, 1, n -> "", true);
             NodeProcess front = startFront(cluster, dir, "")) {
            int slot = cluster.slotMasteredBy("node1");
            String alice = cluster.addAccounts("alice", slot, 1).getFirst();

            MailClients.Imap watcher = new MailClients.Imap("127.0.0.1", front.port("imap"));
            assertThat(watcher.login(alice, StoreCluster.PASSWORD).ok()).isTrue();
            watcher.select("INBOX");

            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger accepted = new AtomicInteger();
            List<String> refused = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread sender = Thread.ofVirtual().start(() -> {
                for (int i = 0; !stop.get(); i++) {
                    try (MailClients.Smtp smtp = new MailClients.Smtp(front.port("smtp"), false)) {
                        List<Integer> codes = smtp.send("load@elsewhere.test", List.of(alice), StoreCluster.message("m" + i, 2000));
                        if (codes.getFirst() == 250) {
                            accepted.incrementAndGet();
                        } else {
                            refused.add("m" + i + ": " + codes);
                        }
                    } catch (Exception e) {
                        refused.add("m" + i + ": " + e);
                    }
                }
            });
            StoreCluster.await(Duration.ofSeconds(30), () -> accepted.get() >= 20);
            assertThat(cluster.admin("slot", "switchover", Integer.toString(slot))).as(cluster.err()).isZero();
            int atSwitch = accepted.get();
            StoreCluster.await(Duration.ofSeconds(30), () -> accepted.get() >= atSwitch + 20);
            stop.set(true);
            sender.join();

            // the session relayed to the old master was ended with BYE [UNAVAILABLE]; a new login lands on the new one
            assertThatThrownBy(() -> watcher.command("NOOP")).hasMessageContaining("* BYE [UNAVAILABLE]");
            watcher.close();
            assertThat(cluster.slot(slot).masterNode()).isNotEqualTo("node1");
            assertThat(refused).as("no sender was refused across the switchover").isEmpty();
            try (MailClients.Imap imap = new MailClients.Imap("127.0.0.1", front.port("imap"))) {
                assertThat(imap.login(alice, StoreCluster.PASSWORD).ok()).isTrue();
                MailClients.Imap.Reply status = imap.command("STATUS INBOX (MESSAGES)");
                assertThat(status.untagged().toString()).contains("MESSAGES " + accepted.get() + ")");
            }
        }
    }

    @Test
    void aMasterKilledUnderMxLoadLosesNoAcknowledgedMailAndClientsReconnect() throws Exception {
        String automatic = "  failover: automatic\n  failover-after: 2s\n";
        try (StoreCluster cluster = StoreCluster.start(dir, 3, 1, n -> automatic, true);
             NodeProcess front = startFront(cluster, dir, "")) {
            int slot = cluster.slotMasteredBy("node1");
            String alice = cluster.addAccounts("alice", slot, 1).getFirst();

            AtomicBoolean stop = new AtomicBoolean();
            java.util.Set<String> acknowledged = java.util.concurrent.ConcurrentHashMap.newKeySet();
            List<String> refused = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int sender = t;
                senders.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String id = "s" + sender + "m" + i;
                        try (MailClients.Smtp smtp = new MailClients.Smtp(front.port("smtp"), false)) {
                            List<Integer> codes = smtp.send("load@elsewhere.test", List.of(alice), StoreCluster.message(id, 3000));
                            if (codes.getFirst() == 250) {
                                acknowledged.add(id);
                            } else {
                                refused.add(id + ": " + codes);
                            }
                        } catch (Exception e) {
                            refused.add(id + ": " + e);
                        }
                    }
                }));
            }
            StoreCluster.await(Duration.ofSeconds(30), () -> acknowledged.size() >= 30);
            MailClients.Imap reader = new MailClients.Imap("127.0.0.1", front.port("imap"));
            assertThat(reader.login(alice, StoreCluster.PASSWORD).ok()).isTrue();
            reader.select("INBOX");
            cluster.node(1).kill9();
            int atKill = acknowledged.size();
            assertThat(StoreCluster.await(Duration.ofSeconds(60), () -> acknowledged.size() >= atKill + 30))
                    .as("deliveries go on at the promoted replica").isTrue();
            stop.set(true);
            for (Thread t : senders) {
                t.join();
            }
            assertThatThrownBy(() -> reader.command("NOOP")).hasMessageContaining("BYE");
            reader.close();

            assertThat(cluster.slot(slot).masterNode()).isNotEqualTo("node1");
            assertThat(refused).as("the front held every sender until the new master took the message "
                    + "(a temporary 451 would be allowed by SMTP, a 5xx never)").allMatch(r -> !r.contains("[5"));
            try (MailClients.Imap imap = new MailClients.Imap("127.0.0.1", front.port("imap"))) {
                assertThat(imap.login(alice, StoreCluster.PASSWORD).ok()).isTrue();
                imap.select("INBOX");
                java.util.Collection<String> ids = imap.messageIds().values();
                java.util.Set<String> present = ids.stream().map(StoreCluster::idOf).collect(java.util.stream.Collectors.toSet());
                System.out.printf("failover under MX load through a front: %d acknowledged, %d refused (temporary), %d stored"
                        + " (%d duplicates from retried transactions)%n", acknowledged.size(), refused.size(), ids.size(),
                        ids.size() - present.size());
                assertThat(present).as("every acknowledged message is in the mailbox").containsAll(acknowledged);
            }
        }
    }

    private static String logOf(NodeProcess node) {
        try {
            return node.log();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private String python(String script) throws Exception {
        Path file = dir.resolve("client-" + System.nanoTime() + ".py");
        Files.writeString(file, script);
        return run("python3", file.toString());
    }
}
