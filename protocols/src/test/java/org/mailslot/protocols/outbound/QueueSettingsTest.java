package org.mailslot.protocols.outbound;

import org.junit.jupiter.api.Test;
import org.mailslot.core.config.ConfigException;
import org.mailslot.core.config.ConfigNode;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueueSettingsTest {
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    static QueueSettings read(String yaml) {
        return QueueSettings.from(ConfigNode.parse(yaml).section("queue"));
    }

    @Test
    void defaultsAreThePostfixLikeOnes() {
        assertThat(QueueSettings.defaults()).isEqualTo(new QueueSettings(Duration.ofSeconds(15), Duration.ofMinutes(5),
                Duration.ofHours(1), Duration.ofDays(5), Duration.ofHours(4), 20));
        assertThat(read("queue:\n  lifetime: 2d\n  concurrency: 5\n").lifetime()).isEqualTo(Duration.ofDays(2));
    }

    @Test
    void backoffDoublesUpToItsCapAndNeverPassesTheExpiry() {
        QueueSettings s = QueueSettings.defaults();
        Instant far = NOW.plus(Duration.ofDays(5));
        assertThat(s.nextAttempt(NOW, 1, far)).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
        assertThat(s.nextAttempt(NOW, 2, far)).isEqualTo(NOW.plus(Duration.ofMinutes(10)));
        assertThat(s.nextAttempt(NOW, 4, far)).isEqualTo(NOW.plus(Duration.ofMinutes(40)));
        assertThat(s.nextAttempt(NOW, 5, far)).isEqualTo(NOW.plus(Duration.ofHours(1)));
        assertThat(s.nextAttempt(NOW, 1_000_000, far)).isEqualTo(NOW.plus(Duration.ofHours(1)));
        assertThat(s.nextAttempt(NOW, 5, NOW.plusSeconds(60))).isEqualTo(NOW.plusSeconds(60)); // last try at expiry
        assertThat(s.nextAttempt(NOW, 1, NOW.minusSeconds(1))).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> read("queue:\n  scan-interval: 2ms\n")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("queue.scan-interval: must be between");
        assertThatThrownBy(() -> read("queue:\n  backoff-initial: 2h\n"))
                .hasMessageStartingWith("queue.backoff-max must be at least queue.backoff-initial");
        assertThatThrownBy(() -> read("queue:\n  lifetime: 3h\n"))
                .hasMessageStartingWith("queue.delay-notice-after must be shorter than queue.lifetime");
        assertThat(read("queue:\n  lifetime: 3h\n  delay-notice-after: 0s\n").delayNoticeAfter()).isZero();
        assertThatThrownBy(() -> read("queue:\n  concurrency: 0\n")).hasMessageStartingWith("queue.concurrency:");
    }
}
