package org.mailslot.core.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the test moves: set {@link #now}, {@link #advance} it, or bring it up to the real time. */
public final class TestClock extends Clock {
    public volatile Instant now;

    /** Starts at a fixed instant, 2025-03-01T10:00:00Z. */
    public TestClock() {
        this(Instant.parse("2025-03-01T10:00:00Z"));
    }

    public TestClock(Instant start) {
        this.now = start;
    }

    /** Starts at the real time (for code that also dates things with the system clock). */
    public static TestClock atRealTime() {
        return new TestClock(Instant.now());
    }

    public void advance(Duration d) {
        now = now.plus(d);
    }

    /** Brings the clock up to the real time if it is behind. */
    public void catchUp() {
        Instant real = Instant.now();
        if (real.isAfter(now)) {
            now = real;
        }
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}
