package org.mailslot.protocols.outbound;

import io.micrometer.core.instrument.MeterRegistry;
import org.mailslot.store.CopyRole;
import org.mailslot.store.OutboundEntry;
import org.mailslot.store.SlotStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Delivers the outbound queues of the slots this node masters (DESIGN.md section 6; Postfix's qmgr): every
 * {@code queue.scan-interval}, or at once when {@link #wake()} is called after a submission, it reads each master
 * copy's due entries and runs a {@link DeliveryAttempt} for each on a virtual thread, at most
 * {@code queue.concurrency} at a time over all slots. The set of masters is asked for at every scan, so a slot that
 * fails over to this node is picked up at the next scan, with its queue as the old master last replicated it. Errors
 * are logged; the loop never ends because of one.
 */
public final class QueueRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueueRunner.class);
    /** Due entries read per slot per scan; a full batch makes the next scan start at once. */
    static final int SCAN_BATCH = 500;

    private final QueueSettings settings;
    private final Supplier<? extends Collection<SlotStore>> masters;
    private final DeliveryAttempt attempt;
    private final Clock clock;
    private final Semaphore permits;
    private final ExecutorService attempts = Executors.newVirtualThreadPerTaskExecutor();
    /** "slot.id" of every entry being tried: a scan does not start a second attempt of it. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition woken = lock.newCondition();
    private boolean wakeRequested;
    private volatile boolean running;
    private Thread loop;

    /**
     * @param masters   the master copies of the slots this node masters now (asked at every scan)
     * @param transport delivers to remote and hosted recipients
     * @param hostname  this node's name in reports (Reporting-MTA, MAILER-DAEMON@hostname)
     */
    public QueueRunner(QueueSettings settings, Supplier<? extends Collection<SlotStore>> masters,
                       OutboundTransport transport, String hostname, MeterRegistry meters, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.masters = Objects.requireNonNull(masters, "masters");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.permits = new Semaphore(settings.concurrency());
        this.attempt = new DeliveryAttempt(settings, Objects.requireNonNull(transport, "transport"),
                new DeliveryReport(hostname), new DeliveryLog(meters), clock);
    }

    /** Starts the scan loop on its own thread; returns this. */
    public synchronized QueueRunner start() {
        if (loop != null) {
            throw new IllegalStateException("the queue runner is already started");
        }
        running = true;
        loop = Thread.ofPlatform().name("outbound-queue").daemon().start(this::loop);
        return this;
    }

    /** Makes the loop scan now rather than at the end of its interval (a message was just queued). */
    public void wake() {
        lock.lock();
        try {
            wakeRequested = true;
            woken.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * One scan of every master's queue, as the loop does it, then waits until the attempts it started are over.
     * Returns how many entries it tried (for tests and tools; the loop does not wait).
     */
    public int runOnce() {
        List<Future<?>> started = scan();
        for (Future<?> f : started) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (java.util.concurrent.ExecutionException e) {
                log.error("an outbound attempt failed unexpectedly", e.getCause()); // DeliveryAttempt never throws
            }
        }
        return started.size();
    }

    private void loop() {
        while (running) {
            boolean full = false;
            try {
                full = scan().size() >= SCAN_BATCH;
            } catch (RuntimeException e) {
                log.warn("outbound queue scan failed, will retry in {}: {}", settings.scanInterval(), e.getMessage());
            }
            if (!full) {
                waitForNextScan();
            }
        }
    }

    private void waitForNextScan() {
        lock.lock();
        try {
            long nanos = settings.scanInterval().toNanos();
            while (running && !wakeRequested && nanos > 0) {
                nanos = woken.awaitNanos(nanos);
            }
            wakeRequested = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }

    /** Starts an attempt for every due entry not already being tried; blocks while {@code concurrency} run. */
    private List<Future<?>> scan() {
        List<Future<?>> started = new ArrayList<>();
        Collection<SlotStore> stores;
        try {
            stores = List.copyOf(masters.get());
        } catch (RuntimeException e) {
            log.warn("cannot tell which slots this node masters, outbound queues wait: {}", e.getMessage());
            return started;
        }
        for (SlotStore store : stores) {
            if (store.role() != CopyRole.MASTER) {
                continue;
            }
            List<OutboundEntry> due;
            try {
                due = store.dueOutbound(clock.instant(), SCAN_BATCH);
            } catch (RuntimeException e) {
                log.warn("slot {}: cannot read its outbound queue: {}", store.slotId(), e.getMessage());
                continue;
            }
            for (OutboundEntry entry : due) {
                String key = DeliveryAttempt.queueId(store, entry.id());
                if (!inFlight.add(key)) {
                    continue;
                }
                try {
                    permits.acquire();
                } catch (InterruptedException e) {
                    inFlight.remove(key);
                    Thread.currentThread().interrupt();
                    return started;
                }
                try {
                    started.add(attempts.submit(() -> {
                        try {
                            attempt.run(store, entry);
                        } finally {
                            inFlight.remove(key);
                            permits.release();
                        }
                    }));
                } catch (RuntimeException e) { // the executor was shut down: the runner is stopping
                    inFlight.remove(key);
                    permits.release();
                    return started;
                }
            }
        }
        return started;
    }

    /**
     * Stops the loop and interrupts attempts in progress, waiting briefly for them. An interrupted attempt stays
     * claimed (deferred) and is retried after its backoff, here or on the slot's next master.
     */
    @Override
    public void close() {
        running = false;
        wake();
        Thread t;
        synchronized (this) {
            t = loop;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        attempts.shutdownNow();
        try {
            if (!attempts.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("outbound attempts still running after 5 s at shutdown; they are retried after their backoff");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
