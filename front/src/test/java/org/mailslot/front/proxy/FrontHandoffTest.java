package org.mailslot.front.proxy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Account;
import org.mailslot.front.FrontSettings;
import org.mailslot.front.FakeStore;
import org.mailslot.front.SlotRouter;
import org.mailslot.protocols.LoginHandoff;
import org.mailslot.protocols.SlotUnavailableException;
import org.mailslot.protocols.auth.ProxyToken;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The front's login at a store node against stores that misbehave: it retries what may pass, gives up on the rest. */
class FrontHandoffTest {
    @TempDir
    Path dir;
    private FakeStore store;
    private Account alice;
    private SlotRouter router;
    private final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        store = new FakeStore(dir);
        alice = store.alice;
        router = store.router;
    }

    @AfterEach
    void tearDown() throws IOException {
        store.close();
    }

    /** A fake store that answers the n-th connection (from 0) with what {@code script} returns, then reads forever. */
    private void serve(Function<Integer, String> script) {
        store.serve((s, n) -> talk(s, script.apply(n)));
    }

    private void talk(Socket s, String answer) {
        try (s) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            if (answer == null) {
                in.read(); // says nothing at all
                return;
            }
            String[] parts = answer.split("\\|", 2);
            out.write(parts[0].getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                line.append((char) b);
            }
            received.add(line.toString().strip());
            if (parts.length > 1) {
                out.write(parts[1].getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            while (in.read() >= 0) {
                // keep the session open until the front closes it
            }
        } catch (IOException ignored) {
            // the front hung up
        }
    }

    private FrontHandoff handoff(Duration masterWait) {
        FrontSettings settings = new FrontSettings(store.port(), store.port(), store.port(), 24,
                Duration.ofMillis(300), masterWait, Duration.ofMillis(100));
        return new FrontHandoff(router, new ProxyToken("a-cluster-secret-of-length", Clock.systemUTC()), settings,
                "front.test", Clock.systemUTC());
    }

    @Test
    void aStoreThatIsNotMasterYetIsAskedAgainUntilItIs() {
        serve(n -> n < 3 ? "* OK ready\r\n|P1 NO [UNAVAILABLE] not master\r\n"
                : "* OK ready\r\n|P1 OK [CAPABILITY IMAP4rev2] Logged in\r\n");
        try (LoginHandoff.Backend backend = handoff(Duration.ofSeconds(10)).open(LoginHandoff.Protocol.IMAP, alice, "c1", "192.0.2.7:40000")) {
            assertThat(backend.loginReply()).isEqualTo("OK [CAPABILITY IMAP4rev2] Logged in");
        }
        assertThat(store.sessions()).isEqualTo(4);
        assertThat(received.getLast()).startsWith("P1 AUTHENTICATE PLAIN ");
    }

    @Test
    void aRefusedTokenIsNotRetried() {
        serve(n -> "* OK ready\r\n|P1 NO [AUTHENTICATIONFAILED] Authentication failed\r\n");
        assertThatThrownBy(() -> handoff(Duration.ofSeconds(10)).open(LoginHandoff.Protocol.IMAP, alice, "c1", "192.0.2.7:40000"))
                .isInstanceOf(SlotUnavailableException.class).hasMessageContaining("refused the proxy login");
        assertThat(store.sessions()).isEqualTo(1);
    }

    @Test
    void garbageSilenceAndHugeLinesEndInATemporaryFailure() {
        String huge = "* OK " + "x".repeat(20_000) + "\r\n";
        serve(n -> switch (n % 4) {
            case 0 -> "\u0000\u00ff garbage\r\n|";
            case 1 -> null;
            case 2 -> huge;
            default -> "+OK this is POP3\r\n|+OK\r\n";
        });
        assertThatThrownBy(() -> handoff(Duration.ofSeconds(2)).open(LoginHandoff.Protocol.IMAP, alice, "c1", "192.0.2.7:40000"))
                .isInstanceOf(SlotUnavailableException.class);
        assertThat(store.sessions()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void submissionAndPop3SpeakTheirOwnDialogue() {
        serve(n -> n == 0 ? "220 store ESMTP\r\n|250-store\r\n250 AUTH PLAIN\r\n" : "+OK ready\r\n|+OK Logged in, 0 messages\r\n");
        // the SMTP fake answers EHLO, then nothing more: the AUTH reply never comes and the front gives up
        assertThatThrownBy(() -> handoff(Duration.ofMillis(500)).open(LoginHandoff.Protocol.SUBMISSION, alice, "c1", "192.0.2.7:40000"))
                .isInstanceOf(SlotUnavailableException.class);
        try (LoginHandoff.Backend backend = handoff(Duration.ofSeconds(5)).open(LoginHandoff.Protocol.POP3, alice, "c2", "192.0.2.7:40000")) {
            assertThat(backend.loginReply()).isEqualTo("+OK Logged in, 0 messages");
        }
        assertThat(received).anyMatch(l -> l.startsWith("EHLO front.test")).anyMatch(l -> l.startsWith("AUTH PLAIN "));
    }
}
