package org.mailslot.protocols.outbound;

import org.mailslot.core.config.ConfigNode;

import java.time.Duration;
import java.time.Instant;

/**
 * The outbound queue runner's settings (section {@code queue} of {@code mailslot.yaml}; docs/configuration.md). Postfix's
 * counterparts: {@code queue_run_delay}, {@code minimal_backoff_time}, {@code maximal_backoff_time},
 * {@code maximal_queue_lifetime}, {@code delay_warning_time}, {@code default_destination_concurrency_limit}. A
 * contradiction between keys is an {@link IllegalArgumentException} whose message starts with the key, as for the
 * other settings records.
 *
 * @param scanInterval     how often the runner looks for due entries (a submission also wakes it at once)
 * @param backoffInitial   the wait after a message's first deferred attempt; each further one waits twice as long
 * @param backoffMax       the longest wait between two attempts
 * @param lifetime         how long a message is retried before it is returned to its sender; set at submission
 * @param delayNoticeAfter when a sender is told (once) that a message is still not delivered; {@code 0} never
 * @param concurrency      attempts in progress at once on this node, all slots together
 */
public record QueueSettings(Duration scanInterval, Duration backoffInitial, Duration backoffMax, Duration lifetime,
                            Duration delayNoticeAfter, int concurrency) {
    public static final Duration MIN_INTERVAL = Duration.ofMillis(10);
    public static final int MAX_CONCURRENCY = 1000;

    public QueueSettings {
        if (backoffMax.compareTo(backoffInitial) < 0) {
            throw new IllegalArgumentException("queue.backoff-max must be at least queue.backoff-initial ("
                    + backoffInitial + ")");
        }
        if (!delayNoticeAfter.isZero() && delayNoticeAfter.compareTo(lifetime) >= 0) {
            throw new IllegalArgumentException("queue.delay-notice-after must be shorter than queue.lifetime ("
                    + lifetime + "), or 0 for no delay notices");
        }
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new IllegalArgumentException("queue.concurrency must be 1.." + MAX_CONCURRENCY + ", got " + concurrency);
        }
    }

    /** Reads the {@code queue} section; every key has a default, a bad value names its key. */
    public static QueueSettings from(ConfigNode q) {
        return new QueueSettings(
                q.duration("scan-interval", Duration.ofSeconds(15), MIN_INTERVAL, Duration.ofHours(1)),
                q.duration("backoff-initial", Duration.ofMinutes(5), MIN_INTERVAL, Duration.ofDays(1)),
                q.duration("backoff-max", Duration.ofHours(1), MIN_INTERVAL, Duration.ofDays(7)),
                q.duration("lifetime", Duration.ofDays(5), Duration.ofSeconds(1), Duration.ofDays(100)),
                q.duration("delay-notice-after", Duration.ofHours(4), Duration.ZERO, Duration.ofDays(100)),
                q.integer("concurrency", 20, 1, MAX_CONCURRENCY));
    }

    public static QueueSettings defaults() {
        return from(ConfigNode.empty());
    }

    /**
     * When a message whose recipients have had {@code attempts} attempts is tried next, counted from {@code now}:
     * {@code backoffInitial * 2^(attempts-1)}, at most {@code backoffMax}, and not after {@code expiresAt} while that
     * is still ahead (the last attempt is made when the message expires).
     */
    public Instant nextAttempt(Instant now, int attempts, Instant expiresAt) {
        Duration wait = backoffInitial;
        for (int i = 1; i < attempts && wait.compareTo(backoffMax) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        Instant next = now.plus(wait.compareTo(backoffMax) > 0 ? backoffMax : wait);
        return expiresAt.isAfter(now) && next.isAfter(expiresAt) ? expiresAt : next;
    }

    public QueueSettings withScanInterval(Duration d) {
        return new QueueSettings(d, backoffInitial, backoffMax, lifetime, delayNoticeAfter, concurrency);
    }

    public QueueSettings withBackoff(Duration initial, Duration max) {
        return new QueueSettings(scanInterval, initial, max, lifetime, delayNoticeAfter, concurrency);
    }

    public QueueSettings withLifetime(Duration life, Duration noticeAfter) {
        return new QueueSettings(scanInterval, backoffInitial, backoffMax, life, noticeAfter, concurrency);
    }
}
