package org.mailslot.protocols.pop3;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.core.net.NetSettings;
import org.mailslot.directory.Account;
import org.mailslot.protocols.auth.PlaintextAuth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Thousands of random and mutated lines over TCP; the server answers every one sanely and keeps working. */
class Pop3FuzzTest {
    private static final String[] SEEDS = {"USER alice@example.com", "PASS x", "LIST 1", "TOP 1 2", "RETR 1",
            "AUTH PLAIN =", "UIDL", "DELE 1", "RSET", "STAT", "CAPA", "NOOP", "LIST", "UIDL 2", "TOP 2 99999999999"};

    @TempDir
    Path dir;
    Pop3TestServer server;
    Account alice;

    @BeforeEach
    void start() throws IOException {
        NetSettings net = Pop3Settings.NET_DEFAULTS;
        server = new Pop3TestServer(dir, PlaintextAuth.LOOPBACK, new Pop3Settings(
                new NetSettings(net.lineLengthLimit(), net.idleTimeout(), net.commandTimeout(), net.maxConnections(),
                        net.maxConnectionsPerAddress(), 100), 1000, 0, true));
        alice = server.account("alice@example.com");
        server.deliver(alice, Pop3TestServer.message("one", ".dot\r\nbody\r\n"));
        server.deliver(alice, Pop3TestServer.message("two", "second\r\n"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void randomAndMutatedInputNeverBreaksTheServer() throws Exception {
        Random random = new Random(2449);
        for (int round = 0; round < 8; round++) {
            boolean login = round % 2 == 1;
            ByteArrayOutputStream script = new ByteArrayOutputStream();
            if (login) {
                script.writeBytes(("USER alice@example.com\r\nPASS " + Pop3TestServer.PASSWORD + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            for (int i = 0; i < 500; i++) {
                script.writeBytes(fuzzLine(random));
                script.writeBytes(random.nextInt(10) == 0 ? new byte[]{'\n'} : new byte[]{'\r', '\n'});
            }
            script.writeBytes("RSET\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            List<String> replies = exchange(script.toByteArray());
            assertThat(replies).isNotEmpty();
            for (String r : replies) {
                assertThat(r).doesNotContain("Exception", "\tat ", "org.mailslot");
                assertThat(r).matches("[\\x20-\\x7e]*");
            }
        }
        // after all that, a normal session works and nothing was expunged without QUIT
        try (Pop3TestClient c = Pop3TestClient.connect(server.port())) {
            assertThat(c.login("alice@example.com", Pop3TestServer.PASSWORD)).startsWith("+OK Logged in");
            assertThat(c.cmd("STAT")).startsWith("+OK 2 ");
            assertThat(c.cmd("RETR 1")).startsWith("+OK");
            assertThat(c.readMultiline()).contains("..dot");
            assertThat(c.cmd("QUIT")).startsWith("+OK Logging out");
        }
    }

    private static byte[] fuzzLine(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> {
                byte[] b = new byte[random.nextInt(60)];
                random.nextBytes(b);
                yield strip(b);
            }
            case 1 -> {
                byte[] b = new byte[1024 + random.nextInt(3000)]; // over the line limit
                java.util.Arrays.fill(b, (byte) ('A' + random.nextInt(26)));
                yield b;
            }
            case 2 -> (SEEDS[random.nextInt(SEEDS.length)] + "\0" + random.nextInt()).getBytes(StandardCharsets.US_ASCII);
            default -> {
                byte[] b = SEEDS[random.nextInt(SEEDS.length)].getBytes(StandardCharsets.US_ASCII);
                for (int k = random.nextInt(4); k > 0; k--) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
                yield strip(b);
            }
        };
    }

    /** Line ends are the script's business; and no STLS or QUIT by accident (the rest of the script would be lost). */
    private static byte[] strip(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\r' || b[i] == '\n') {
                b[i] = ' ';
            }
        }
        String s = new String(b, StandardCharsets.ISO_8859_1).toUpperCase();
        return s.startsWith("STLS") || s.startsWith("QUIT") ? new byte[]{'X'} : b;
    }

    /** Sends the script from one thread while reading every reply line until the server closes (the final QUIT). */
    private List<String> exchange(byte[] script) throws Exception {
        List<String> replies = new ArrayList<>();
        try (Pop3TestClient c = Pop3TestClient.connect(server.port())) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    c.sendRaw(script);
                } catch (IOException ignored) {
                    // the server may close early; the reader sees it
                }
            });
            String line;
            while ((line = c.readLine()) != null) {
                replies.add(line);
                if (replies.size() > 100_000) {
                    break;
                }
            }
            writer.join();
        } catch (IOException e) {
            // the server closed mid-way (too many bad commands or auth failures): fine, replies so far are checked
        }
        return replies;
    }
}
