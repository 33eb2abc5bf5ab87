package org.mailslot.front.mx;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Account;
import org.mailslot.front.FrontSettings;
import org.mailslot.front.FakeStore;
import org.mailslot.front.SlotRouter;
import org.mailslot.protocols.delivery.MailDrop;
import org.mailslot.store.MessageContent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** The front's hand-off of inbound mail to a slot's master, against a fake LMTP store that refuses as told. */
class MasterDropTest {
    @TempDir
    Path dir;
    private FakeStore store;
    private Account alice;
    private SlotRouter router;

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

    /** An LMTP store whose answer to RCPT in session n (from 0) is {@code rcptReply.apply(n)}. */
    private void serve(IntFunction<String> rcptReply) {
        store.serve((s, n) -> lmtp(s, rcptReply.apply(n)));
    }

    private static void lmtp(Socket s, String rcptReply) {
        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1))) {
            OutputStream out = s.getOutputStream();
            out.write("220 store LMTP\r\n".getBytes());
            String line;
            boolean accepted = false;
            while ((line = in.readLine()) != null) {
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line;
                String reply = switch (verb) {
                    case "LHLO" -> "250 store";
                    case "MAIL" -> "250 2.1.0 Ok";
                    case "RCPT" -> {
                        accepted = rcptReply.startsWith("250");
                        yield rcptReply;
                    }
                    case "DATA" -> "354 go ahead";
                    case "RSET" -> "250 2.0.0 Ok";
                    case "QUIT" -> "221 bye";
                    default -> "500 what";
                };
                out.write((reply + "\r\n").getBytes());
                if (verb.equals("DATA")) {
                    while ((line = in.readLine()) != null && !line.equals(".")) {
                        // the message
                    }
                    out.write((accepted ? "250 2.0.0 <alice@example.com> delivered\r\n" : "").getBytes());
                }
                if (verb.equals("QUIT")) {
                    return;
                }
            }
        } catch (IOException ignored) {
            // the front hung up
        }
    }

    private MailDrop drop(Duration masterWait) {
        FrontSettings settings = new FrontSettings(143, 110, 587, store.port(), Duration.ofMillis(300),
                masterWait, Duration.ofMillis(100));
        return new MasterDrop(router, settings, "front.test", Clock.systemUTC());
    }

    private List<MailDrop.Outcome> deliver(MailDrop drop) {
        return drop.deliver("sender@elsewhere.test", List.of(new MailDrop.Recipient("alice@example.com", List.of(alice))),
                MessageContent.of("Subject: hi\r\n\r\nhello\r\n".getBytes()), Instant.now(), MailDrop.ReplyScope.PER_MESSAGE);
    }

    @Test
    void aMasterThatRefusesForNowIsAskedAgainWithinTheTransaction() {
        serve(n -> n < 2 ? "451 4.3.0 <alice@example.com> not master of slot 1" : "250 2.1.5 Ok");
        assertThat(deliver(drop(Duration.ofSeconds(10)))).singleElement().isInstanceOf(MailDrop.Outcome.Delivered.class);
        assertThat(store.sessions()).isEqualTo(3);
    }

    @Test
    void noMasterWithinTheWaitIsATemporaryFailure() {
        serve(n -> "451 4.3.0 <alice@example.com> not master of slot 1");
        assertThat(deliver(drop(Duration.ofMillis(600)))).singleElement().isInstanceOf(MailDrop.Outcome.TemporaryFailure.class);
        assertThat(store.sessions()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aFullMailboxIsOverQuotaAndNotRetried() {
        serve(n -> "452 4.2.2 <alice@example.com> Mailbox full");
        assertThat(deliver(drop(Duration.ofSeconds(10)))).singleElement().isInstanceOf(MailDrop.Outcome.OverQuota.class);
        assertThat(store.sessions()).isEqualTo(1);
    }

    @Test
    void anUnreachableStoreIsATemporaryFailure() throws IOException {
        MailDrop drop = drop(Duration.ofMillis(500));
        store.stopListening(); // nothing listens any more
        assertThat(deliver(drop)).singleElement().isInstanceOf(MailDrop.Outcome.TemporaryFailure.class);
    }
}
