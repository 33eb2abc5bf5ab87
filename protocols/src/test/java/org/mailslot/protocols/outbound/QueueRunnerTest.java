package org.mailslot.protocols.outbound;

import org.mailslot.core.testing.TestClock;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.mail.BodyPart;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.protocols.outbound.OutboundTransport.RecipientResult.Status;
import org.mailslot.store.MessageContent;
import org.mailslot.store.MessageMeta;
import org.mailslot.store.OutboundEntry;
import org.mailslot.store.OutboundRecipient;
import org.mailslot.store.SlotStore;
import org.mailslot.store.StoreSettings;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The queue runner against a real slot and a scripted transport, with a clock the test moves: retries with
 * exponential backoff, successful recipients never tried again, one delivery status notification per message into
 * the sender's INBOX (RFC 3464), one delay notice, expiry, no report for the null sender, a faulty transport.
 */
class QueueRunnerTest {
    static final long ALICE = 1001;
    static final QueueSettings SETTINGS = QueueSettings.defaults().withBackoff(Duration.ofMinutes(1),
            Duration.ofMinutes(8)).withLifetime(Duration.ofHours(1), Duration.ofMinutes(20));

    @TempDir
    Path dir;
    SlotStore store;
    final TestClock clock = TestClock.atRealTime();
    final ScriptedTransport transport = new ScriptedTransport();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    QueueRunner runner;

    @BeforeEach
    void open() {
        store = SlotStore.open(dir.resolve("slot"), 3, StoreSettings.defaults());
        runner = new QueueRunner(SETTINGS, () -> List.of(store), transport, "mail.example.com", meters, clock);
    }

    @AfterEach
    void close() {
        runner.close();
        store.close();
    }

    static byte[] message(String subject) {
        return ("From: Alice <alice@example.com>\r\nTo: bob@example.org\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + subject.hashCode() + "@example.com>\r\n\r\nHello Bob.\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    long submit(String sender, String... recipients) {
        long id = store.submit(ALICE, sender, List.of(recipients), MessageContent.of(message("hello")), clock.instant(),
                clock.instant().plus(SETTINGS.lifetime()), 0, true);
        clock.catchUp();
        return id;
    }

    List<MessageMeta> inbox() {
        return store.mailbox(ALICE, "INBOX").map(m -> store.messages(m.id())).orElse(List.of());
    }

    String read(MessageMeta m) {
        try (InputStream in = store.openBody(m.blobHash())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    double counted(String status) {
        return meters.counter("mailslot.outbound.recipients", "status", status).count();
    }

    @Test
    void deliveredRecipientsAreNotTriedAgainAndTheRestAreRetriedWithExponentialBackoff() throws Exception {
        transport.answer("carol@example.net", Status.TEMPORARY);
        long id = submit("alice@example.com", "bob@example.org", "carol@example.net");
        assertThat(runner.runOnce()).isEqualTo(1);
        assertThat(transport.calls.getFirst().envelope().sender()).isEqualTo("alice@example.com");
        assertThat(transport.calls.getFirst().message()).isEqualTo(message("hello"));
        assertThat(runner.runOnce()).isZero(); // not due again before its backoff

        Instant last = clock.instant();
        for (Duration wait : List.of(Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(4),
                Duration.ofMinutes(8), Duration.ofMinutes(8))) {
            OutboundRecipient carol = store.outbound(id).orElseThrow().pending().getFirst();
            assertThat(carol.nextAttemptAt()).isEqualTo(last.plus(wait).truncatedTo(ChronoUnit.MILLIS));
            clock.advance(wait.minusSeconds(1));
            assertThat(runner.runOnce()).isZero();
            clock.advance(Duration.ofSeconds(1));
            assertThat(runner.runOnce()).isEqualTo(1);
            last = clock.instant();
        }
        assertThat(transport.calls).hasSize(6);
        assertThat(transport.calls.subList(1, 6)).allSatisfy(c ->
                assertThat(c.envelope().recipients()).containsExactly("carol@example.net"));
        OutboundRecipient carol = store.outbound(id).orElseThrow().pending().getFirst();
        assertThat(carol.attempts()).isEqualTo(6);
        assertThat(carol.diagnostic()).isEqualTo("451 4.3.0 Try again later");
        assertThat(carol.status()).isEqualTo("4.3.0");

        transport.answer("carol@example.net", Status.DELIVERED);
        clock.advance(Duration.ofMinutes(8));
        assertThat(runner.runOnce()).isEqualTo(1);
        assertThat(store.outbound(id)).isEmpty();
        assertThat(transport.delivered()).containsExactly("bob@example.org", "carol@example.net");
        // the attempt at 23 minutes, past queue.delay-notice-after, told the sender about carol once; nothing else
        assertThat(inbox()).singleElement().satisfies(m -> assertThat(read(m))
                .contains("Subject: Delayed Mail", "Final-Recipient: rfc822; carol@example.net\r\nAction: delayed")
                .doesNotContain("Final-Recipient: rfc822; bob@example.org"));
        assertThat(counted("sent")).isEqualTo(2);
        assertThat(counted("deferred")).isEqualTo(6);
    }

    @Test
    void failedRecipientsOfAMessageGetOneReportWhenTheLastIsSettled() throws Exception {
        transport.answer("bob@example.org", Status.PERMANENT);
        transport.answer("carol@example.net", Status.TEMPORARY);
        long id = submit("alice@example.com", "bob@example.org", "carol@example.net", "dan@example.net");
        runner.runOnce();
        assertThat(inbox()).isEmpty(); // carol is still pending: no report yet
        transport.answer("carol@example.net", Status.PERMANENT);
        clock.advance(Duration.ofMinutes(1));
        runner.runOnce();
        assertThat(store.outbound(id)).isEmpty();
        assertThat(transport.delivered()).containsExactly("dan@example.net");

        List<MessageMeta> reports = inbox();
        assertThat(reports).hasSize(1);
        String dsn = read(reports.getFirst());
        assertThat(dsn).contains("From: Mail Delivery System <MAILER-DAEMON@mail.example.com>\r\n",
                "To: <alice@example.com>\r\n", "Subject: Undelivered Mail Returned to Sender\r\n",
                "Auto-Submitted: auto-replied\r\n");
        MimeMultipart report = new MimeMultipart(new ByteArrayDataSource(dsn.substring(dsn.indexOf("\r\n\r\n") + 4),
                dsn.substring(dsn.indexOf("Content-Type: "), dsn.indexOf("\r\n\r\n")).substring(14)));
        assertThat(report.getContentType()).contains("multipart/report").contains("report-type=delivery-status");
        assertThat(report.getCount()).isEqualTo(3);
        assertThat(report.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(text(report.getBodyPart(0))).contains("<bob@example.org>: host mx.example.org[192.0.2.1] said:"
                + " 550 5.1.1 <bob@example.org>: Recipient address rejected");
        assertThat(report.getBodyPart(1).getContentType()).isEqualTo("message/delivery-status");
        String status = text(report.getBodyPart(1));
        assertThat(status).contains("Reporting-MTA: dns; mail.example.com\r\n", "X-Mailslot-Queue-ID: 3." + id + "\r\n",
                "Arrival-Date: ");
        for (String rcpt : List.of("bob@example.org", "carol@example.net")) {
            assertThat(status).contains("Final-Recipient: rfc822; " + rcpt + "\r\nAction: failed\r\nStatus: 5.1.1\r\n"
                    + "Remote-MTA: dns; mx.example.org\r\nDiagnostic-Code: smtp; 550 5.1.1 <" + rcpt
                    + ">: Recipient address rejected\r\n");
        }
        // the date of the attempt that settled a recipient is known for this attempt's only
        assertThat(status).contains("Recipient address rejected\r\n\r\nFinal-Recipient: rfc822; carol@example.net")
                .containsOnlyOnce("Last-Attempt-Date: ");
        assertThat(status).doesNotContain("dan@example.net");
        assertThat(report.getBodyPart(2).getContentType()).isEqualTo("text/rfc822-headers");
        assertThat(text(report.getBodyPart(2))).isEqualTo(new String(message("hello"), StandardCharsets.UTF_8)
                .substring(0, new String(message("hello"), StandardCharsets.UTF_8).indexOf("\r\n\r\n") + 2));
        assertThat(counted("bounced")).isEqualTo(2);
        assertThat(meters.counter("mailslot.outbound.notices", "kind", "non-delivery").count()).isEqualTo(1);
    }

    static String text(BodyPart part) throws Exception {
        try (InputStream in = part.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aMessageThatCannotBeDeliveredInItsLifetimeGetsOneDelayNoticeThenExpires() throws Exception {
        transport.answer("bob@example.org", Status.TEMPORARY);
        long id = submit("alice@example.com", "bob@example.org");
        int attempts = 0;
        while (store.outbound(id).isPresent()) {
            attempts += runner.runOnce();
            clock.advance(Duration.ofMinutes(1));
            assertThat(attempts).isLessThan(20);
        }
        // 1 + 2 + 4 + 8 + 8... minutes: tried at 0, 1, 3, 7, 15, 23, 31, 39, 47, 55 and at expiry (60)
        assertThat(attempts).isEqualTo(11);
        List<MessageMeta> reports = inbox();
        assertThat(reports).hasSize(2);
        String delay = read(reports.get(0));
        assertThat(delay).contains("Subject: Delayed Mail (still being retried)", "THIS IS A WARNING ONLY",
                "Action: delayed\r\nStatus: 4.3.0\r\n", "Will-Retry-Until: ");
        String expired = read(reports.get(1));
        assertThat(expired).contains("Subject: Undelivered Mail Returned to Sender",
                "Final-Recipient: rfc822; bob@example.org\r\nAction: failed\r\nStatus: 4.4.7\r\n",
                "Diagnostic-Code: smtp; 451 4.3.0 Try again later");
        assertThat(counted("expired")).isEqualTo(1);
        assertThat(meters.counter("mailslot.outbound.notices", "kind", "delay").count()).isEqualTo(1);
    }

    @Test
    void aMessageFromTheNullSenderIsNeverReported() {
        transport.answer("bob@example.org", Status.PERMANENT);
        long id = submit("", "bob@example.org");
        runner.runOnce();
        assertThat(store.outbound(id)).isEmpty();
        assertThat(inbox()).isEmpty();
        assertThat(transport.calls.getFirst().envelope().sender()).isEmpty();
    }

    @Test
    void aTransportThatFailsOrForgetsARecipientDefersAndTheRunnerGoesOn() {
        long id = submit("alice@example.com", "bob@example.org");
        transport.failWith = new IllegalStateException("bug in a transport");
        assertThat(runner.runOnce()).isEqualTo(1);
        OutboundRecipient bob = store.outbound(id).orElseThrow().pending().getFirst();
        assertThat(bob.diagnostic()).isEqualTo("local error: no delivery result");
        assertThat(bob.status()).isEqualTo("4.4.1");
        transport.failWith = null;
        clock.advance(Duration.ofMinutes(1));
        assertThat(runner.runOnce()).isEqualTo(1);
        assertThat(store.outbound(id)).isEmpty();
    }

    @Test
    void onlyMasterCopiesAreServed() {
        long id = submit("alice@example.com", "bob@example.org");
        store.becomeReplica(1);
        assertThat(runner.runOnce()).isZero();
        store.becomeMaster(2, null);
        assertThat(runner.runOnce()).isEqualTo(1);
        assertThat(store.outbound(id)).isEmpty();
    }

    @Test
    void theLoopDeliversAQueuedMessageWhenWoken() {
        QueueRunner looping = new QueueRunner(SETTINGS.withScanInterval(Duration.ofHours(1)), () -> List.of(store),
                transport, "mail.example.com", meters, java.time.Clock.systemUTC()).start();
        try {
            looping.runOnce(); // the loop's first scan may run before or after this: either way nothing is due
            long id = store.submit(ALICE, "alice@example.com", List.of("bob@example.org"),
                    MessageContent.of(message("now")), Instant.now(), Instant.now().plusSeconds(3600), 0, false);
            looping.wake();
            await().atMost(Duration.ofSeconds(20)).until(() -> store.outbound(id).isEmpty());
            assertThat(transport.delivered()).containsExactly("bob@example.org");
        } finally {
            looping.close();
        }
    }

    @Test
    void aSecondRunnerNeverTriesAnEntryInProgress() throws Exception {
        long id = submit("alice@example.com", "bob@example.org");
        OutboundEntry due = store.dueOutbound(clock.instant(), 10).getFirst();
        QueueRunner other = new QueueRunner(SETTINGS, () -> List.of(store), transport, "mail.example.com", meters, clock);
        store.claimOutbound(id, clock.instant(), clock.instant().plusSeconds(60)); // as another runner's attempt does
        assertThat(other.runOnce()).isZero();
        assertThat(runner.runOnce()).isZero();
        assertThat(transport.calls).isEmpty();
        assertThat(due.pending().getFirst().attempts()).isZero();
        other.close();
    }
}
