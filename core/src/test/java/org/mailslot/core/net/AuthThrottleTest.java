package org.mailslot.core.net;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class AuthThrottleTest {
    @Test
    void delayDoublesPerFailureUpToTheCeilingAndSuccessForgets() {
        AuthThrottle t = new AuthThrottle(Duration.ofSeconds(1), Duration.ofSeconds(5), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
        assertThat(t.failed("ip:1", "user:a")).isEqualTo(Duration.ofSeconds(1));
        assertThat(t.failed("ip:1", "user:b")).isEqualTo(Duration.ofSeconds(2));
        assertThat(t.failed("ip:1", "user:b")).isEqualTo(Duration.ofSeconds(4));
        assertThat(t.failed("ip:1")).isEqualTo(Duration.ofSeconds(5));
        assertThat(t.failures("ip:1")).isEqualTo(4);
        assertThat(t.pending("user:b")).isEqualTo(Duration.ofSeconds(2));
        t.succeeded("user:b");
        assertThat(t.pending("user:b")).isZero();
        assertThat(t.pending("ip:2")).isZero();
    }
}
