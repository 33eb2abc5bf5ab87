package org.mailslot.core.net;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed authentications by key (a client address, an account), and the delay the next answer to that key
 * waits: {@code base} after the first failure, doubling up to {@code max}. Entries are forgotten after an hour
 * without failures, or at the first success.
 */
public final class AuthThrottle {
    private static final Duration FORGET_AFTER = Duration.ofHours(1);
    private static final int MAX_ENTRIES = 100_000;

    private final Duration base;
    private final Duration max;
    private final Clock clock;
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    public AuthThrottle(Duration base, Duration max, Clock clock) {
        this.base = base;
        this.max = max;
        this.clock = clock;
    }

    /** Records a failure for every key and returns how long to wait before answering. */
    public Duration failed(String... keys) {
        Instant now = clock.instant();
        if (failures.size() > MAX_ENTRIES) {
            failures.entrySet().removeIf(e -> e.getValue().last.plus(FORGET_AFTER).isBefore(now));
        }
        int worst = 0;
        for (String key : keys) {
            Failures f = failures.compute(key, (k, old) -> old == null || old.last.plus(FORGET_AFTER).isBefore(now)
                    ? new Failures(1, now) : new Failures(old.count + 1, now));
            worst = Math.max(worst, f.count);
        }
        return delayFor(worst);
    }

    /** The delay a key has earned so far, to apply before checking its next attempt. */
    public Duration pending(String key) {
        Failures f = failures.get(key);
        if (f == null || f.last.plus(FORGET_AFTER).isBefore(clock.instant())) {
            return Duration.ZERO;
        }
        return delayFor(f.count);
    }

    public int failures(String key) {
        Failures f = failures.get(key);
        return f == null ? 0 : f.count;
    }

    public void succeeded(String key) {
        failures.remove(key);
    }

    private Duration delayFor(int count) {
        if (count <= 0 || base.isZero()) {
            return Duration.ZERO;
        }
        Duration d = base.multipliedBy(1L << Math.min(count - 1, 20));
        return d.compareTo(max) > 0 ? max : d;
    }

    private record Failures(int count, Instant last) {}
}
