package org.mailslot.protocols.outbound;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * One log line per recipient per attempt, as Postfix writes them, and the matching counter
 * ({@code mailslot.outbound.recipients}, tagged with the status):
 * {@code 3.17: to=<bob@example.org>, relay=mx.example.org, delay=1.25, attempts=1, dsn=2.0.0, status=sent (250 2.0.0 Ok)}.
 */
final class DeliveryLog {
    private static final Logger log = LoggerFactory.getLogger("org.mailslot.outbound");

    /** What became of a recipient in one attempt. */
    enum Status { SENT, DEFERRED, BOUNCED, EXPIRED }

    private final MeterRegistry meters;

    DeliveryLog(MeterRegistry meters) {
        this.meters = meters;
    }

    void recipient(String queueId, String address, String relay, Instant queuedAt, Instant now, int attempts,
                   String dsn, Status status, String diagnostic) {
        Duration delay = Duration.between(queuedAt, now);
        String line = String.format(Locale.ROOT, "%s: to=<%s>, relay=%s, delay=%.2f, attempts=%d, dsn=%s, status=%s (%s)",
                queueId, Diagnostics.oneLine(address), relay == null ? "none" : Diagnostics.oneLine(relay),
                delay.toMillis() / 1000.0, attempts, dsn, status.name().toLowerCase(Locale.ROOT),
                Diagnostics.oneLine(diagnostic == null ? "" : diagnostic));
        if (status == Status.SENT) {
            log.info(line);
        } else {
            log.warn(line);
        }
        meters.counter("mailslot.outbound.recipients", "status", status.name().toLowerCase(Locale.ROOT)).increment();
    }

    void notice(String queueId, String kind, long accountId) {
        log.info("{}: sender {} notification: into the INBOX of account {}", queueId, kind, accountId);
        meters.counter("mailslot.outbound.notices", "kind", kind).increment();
    }

    void problem(String queueId, String what) {
        log.warn("{}: {}", queueId, what);
    }
}
