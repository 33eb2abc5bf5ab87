package org.mailslot.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

class SqliteSlotStoreTest extends SlotStoreContract {
    private static final int WRITERS = 20;

    @Override
    SlotStore open(Path slotDir) {
        return SlotStore.open(slotDir, 7, StoreSettings.defaults());
    }

    /** Holds one commit open until 20 deliveries queue up, then proves they all share the next commit. */
    @Test
    void queuedWritesShareOneCommit() throws Exception {
        AtomicBoolean gate = new AtomicBoolean();
        CountDownLatch inCommit = new CountDownLatch(1);
        AtomicReference<SqliteSlotStore> ref = new AtomicReference<>();
        FaultHook hook = point -> {
            if (point == FaultInjectingSlotStore.FaultPoint.BEFORE_COMMIT && gate.compareAndSet(true, false)) {
                inCommit.countDown();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (ref.get().queuedWrites() < WRITERS && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                    Thread.yield();
                }
            }
        };
        try (SqliteSlotStore s = new SqliteSlotStore(dir.resolve("grouped"), 9, StoreSettings.defaults(), hook,
                Clock.systemUTC())) {
            ref.set(s);
            s.createAccount(ALICE);
            long before = s.commits();
            gate.set(true);
            Thread first = Thread.ofVirtual().start(() -> s.deliver(MessageContent.of(mail("first")), DATE,
                    List.of(new DeliveryTarget(ALICE, 0))));
            assertThat(inCommit.await(60, TimeUnit.SECONDS)).isTrue();
            List<Thread> rest = new ArrayList<>();
            for (int i = 0; i < WRITERS; i++) {
                int n = i;
                rest.add(Thread.ofVirtual().start(() -> s.deliver(MessageContent.of(mail("m" + n)), DATE,
                        List.of(new DeliveryTarget(ALICE, 0)))));
            }
            first.join();
            for (Thread t : rest) {
                t.join();
            }
            assertThat(s.commits() - before).isEqualTo(2);
            assertThat(s.messages(s.mailbox(ALICE, "INBOX").orElseThrow().id())).hasSize(WRITERS + 1);
        }
    }
}
