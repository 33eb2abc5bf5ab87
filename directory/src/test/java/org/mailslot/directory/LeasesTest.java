package org.mailslot.directory;

import org.mailslot.core.testing.TestClock;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The cluster manager's election: one owner at a time, taken over only after the lease ran out. */
class LeasesTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void oneOwnerUntilTheLeaseRunsOut(Backend backend) {
        TestClock clock = new TestClock();
        try (Directory d = Directory.open(backend.settings(), clock)) {
            assertThat(d.acquireLease("cluster-manager", "store1", Duration.ofSeconds(10))).isTrue();
            assertThat(d.acquireLease("cluster-manager", "store2", Duration.ofSeconds(10))).isFalse();
            clock.now = clock.now.plusSeconds(5);
            assertThat(d.acquireLease("cluster-manager", "store1", Duration.ofSeconds(10))).isTrue(); // renewed
            clock.now = clock.now.plusSeconds(9);
            assertThat(d.acquireLease("cluster-manager", "store2", Duration.ofSeconds(10))).isFalse();
            clock.now = clock.now.plusSeconds(2); // store1 stopped renewing
            assertThat(d.acquireLease("cluster-manager", "store2", Duration.ofSeconds(10))).isTrue();
            assertThat(d.acquireLease("cluster-manager", "store1", Duration.ofSeconds(10))).isFalse();
            assertThat(d.acquireLease("other", "store1", Duration.ofSeconds(10))).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void racingForAFreeLeaseExactlyOneWins(Backend backend) throws Exception {
        try (Directory d = Directory.open(backend.settings(), Clock.systemUTC())) {
            ConcurrentLinkedQueue<String> winners = new ConcurrentLinkedQueue<>();
            CountDownLatch go = new CountDownLatch(1);
            Thread[] threads = new Thread[4];
            for (int i = 0; i < threads.length; i++) {
                String owner = "store" + i;
                threads[i] = Thread.ofVirtual().start(() -> {
                    try {
                        go.await();
                        if (d.acquireLease("race", owner, Duration.ofMinutes(1))) {
                            winners.add(owner);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            go.countDown();
            for (Thread t : threads) {
                t.join(10_000);
            }
            assertThat(winners).hasSize(1);
        }
    }
}
