package org.mailslot.protocols.outbound;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the test moves; it starts at the real time, since the store dates new queue entries with that. */
final class MovableClock extends Clock {
    private volatile Instant now = Instant.now();

    void advance(Duration d) {
        now = now.plus(d);
    }

    /** Brings the clock up to the real time if it is behind (entries just queued are due at their real time). */
    void catchUp() {
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
