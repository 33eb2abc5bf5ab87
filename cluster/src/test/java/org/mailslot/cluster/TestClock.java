package org.mailslot.cluster;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;

/** A clock the test moves (public for the tests of the cluster's subpackages). */
public final class TestClock extends Clock {
    public volatile Instant now = Instant.parse("2025-03-01T10:00:00Z");

    @Override
    public ZoneId getZone() {
        return ZoneId.of("UTC");
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
