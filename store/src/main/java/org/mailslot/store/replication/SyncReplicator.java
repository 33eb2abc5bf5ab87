package org.mailslot.store.replication;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

import org.mailslot.store.ChangeRecord;
import org.mailslot.store.CommitShipper;
import org.mailslot.store.SlotStore;
import org.mailslot.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one master copy's replica in step (DESIGN.md section 5, invariants 1 and 4).
 *
 * <p>In sync, every group commit is shipped before its callers are answered. When shipping fails the replica is
 * recorded out of sync in the directory first (conditional on the epoch: a master that was replaced learns it
 * here and is fenced), then the callers are answered; the replica cannot be promoted without {@code --force}.
 *
 * <p>Out of sync, commits are answered at once — while the node's lease holds: it read the slot map recently, so
 * an operator who forces the replica's promotion knows how long the old master may go on (cluster.lease) — and a
 * catch-up thread reconnects and ships the log from the replica's last seq. Its last step holds the link lock while it ships the final records and records the
 * replica in sync; a commit made meanwhile waits for that step in {@link #shipped}, so no commit is ever answered
 * between "the replica has everything" and "the directory says in sync" without reaching the replica.
 */
public final class SyncReplicator implements CommitShipper, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SyncReplicator.class);
    /** Records per catch-up batch. */
    static final int BATCH = 500;
    /** A commit waits at most this long for the catch-up thread's last step before giving up on rejoining. */
    private static final Duration REJOIN_WAIT = Duration.ofSeconds(5);

    /** Opens a link to the slot's replica at this copy's epoch. */
    @FunctionalInterface
    public interface LinkOpener {
        ReplicaLink open() throws IOException;
    }

    /** The directory's in-sync flag of the slot, changed only while the slot is still at {@code epoch}. */
    public interface SyncRecord {
        /**
         * Records the replica out of sync; false when the slot's epoch moved on (this copy is no longer master).
         * Throws when the directory cannot be reached.
         */
        boolean markOutOfSync(int slotId, long epoch, String reason);

        /** Records the replica in sync; false when the slot's epoch moved on. */
        boolean markInSync(int slotId, long epoch);
    }

    private final SlotStore store;
    private final long epoch;
    private final LinkOpener opener;
    private final SyncRecord record;
    private final BooleanSupplier leaseHeld;
    private final Duration retry;
    private final ReentrantLock lock = new ReentrantLock();
    private final Thread catchUp;
    private ReplicaLink link; // guarded by lock
    private volatile boolean inSync;
    private volatile long confirmedSeq = -1;
    private volatile long currentAtNanos = System.nanoTime();
    private volatile boolean finalStep;
    private volatile boolean closed;

    /**
     * @param inSync    what the directory says now; a replica recorded out of sync is caught up before it is trusted
     * @param leaseHeld whether this node read the slot map recently enough to still call itself master (invariant
     *                  2): out of sync, no replica stands behind a write, so without it nothing is acknowledged
     * @param retry     how long the catch-up thread waits after a failed connection
     */
    public SyncReplicator(SlotStore store, long epoch, boolean inSync, LinkOpener opener, SyncRecord record,
                          BooleanSupplier leaseHeld, Duration retry) {
        this.store = store;
        this.epoch = epoch;
        this.opener = opener;
        this.record = record;
        this.leaseHeld = leaseHeld;
        this.retry = retry;
        this.inSync = inSync;
        this.catchUp = Thread.ofPlatform().name("slot-" + store.slotId() + "-catchup").daemon(true)
                .start(this::catchUpLoop);
    }

    public boolean inSync() {
        return inSync;
    }

    /** The last change seq the replica confirmed, -1 before it confirmed any. */
    public long replicaSeq() {
        return confirmedSeq;
    }

    /** How long the replica has lacked some of the master's changes: 0 when it has them all. */
    public Duration lag() {
        return confirmedSeq >= store.lastChangeSeq() ? Duration.ZERO
                : Duration.ofNanos(System.nanoTime() - currentAtNanos);
    }

    /** After every successful ship: what the replica has now. */
    private void confirmed(long seq, long shippedUpTo) {
        confirmedSeq = seq;
        if (seq >= shippedUpTo) {
            currentAtNanos = System.nanoTime();
        }
    }

    @Override
    public void shipped(List<ChangeRecord> committed) {
        if (!inSync) {
            if (!leaseHeld.getAsBoolean()) {
                throw new StoreException(StoreException.Reason.IO, "slot " + store.slotId() + ": the directory has"
                        + " not confirmed this node as master lately and the replica is out of sync; not acknowledging");
            }
            if (!finalStep) {
                return; // recorded out of sync: answered now, shipped by the catch-up thread
            }
            try {
                if (!lock.tryLock(REJOIN_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    return; // still out of sync in the directory: answering is safe
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            lock.unlock();
            if (!inSync) {
                return;
            }
        }
        lock.lock();
        try {
            if (link == null) {
                link = opener.open();
            }
            link.ship(store, committed);
            confirmed(link.replicaSeq(), committed.getLast().seq());
        } catch (IOException | RuntimeException e) {
            closeLink();
            goOutOfSync(e);
        } finally {
            lock.unlock();
        }
    }

    /** Called with the lock held, before the commit is answered. */
    private void goOutOfSync(Exception cause) {
        String reason = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        boolean stillMaster = record.markOutOfSync(store.slotId(), epoch, reason); // throws: callers fail
        if (!stillMaster) {
            throw new StoreException(StoreException.Reason.NOT_MASTER, "slot " + store.slotId()
                    + " has a newer master than epoch " + epoch + "; this copy stops taking writes");
        }
        inSync = false;
        log.warn("slot {}: replica out of sync at epoch {} ({}); writes continue, catching up in the background",
                store.slotId(), epoch, reason);
        synchronized (this) {
            notifyAll();
        }
    }

    private void catchUpLoop() {
        while (!closed) {
            if (inSync) {
                waitQuietly(Long.MAX_VALUE);
                continue;
            }
            try {
                catchUpOnce();
            } catch (IOException | RuntimeException e) {
                lock.lock();
                try {
                    closeLink();
                } finally {
                    lock.unlock();
                }
                log.info("slot {}: replica catch-up failed ({}); retrying in {}", store.slotId(), e.getMessage(), retry);
                waitQuietly(retry.toMillis());
            }
        }
    }

    /** Ships the log in batches while commits continue, then the rest under the lock, then records in sync. */
    private void catchUpOnce() throws IOException {
        lock.lock();
        try {
            if (link == null) {
                link = opener.open();
                log.info("slot {}: replica connected at its seq {}, master at {}", store.slotId(), link.replicaSeq(),
                        store.lastChangeSeq());
            }
        } finally {
            lock.unlock();
        }
        while (!closed && store.lastChangeSeq() - link.replicaSeq() > BATCH) {
            lock.lock();
            try {
                shipBatch();
            } finally {
                lock.unlock();
            }
        }
        finalStep = true;
        lock.lock();
        try {
            while (!closed && link.replicaSeq() < store.lastChangeSeq()) {
                shipBatch();
            }
            if (!closed && record.markInSync(store.slotId(), epoch)) {
                inSync = true;
                log.info("slot {}: replica caught up at seq {} and recorded in sync", store.slotId(), link.replicaSeq());
            } else if (!closed) {
                log.warn("slot {}: epoch moved on while catching up; this copy is no longer master", store.slotId());
                closed = true;
            }
        } finally {
            finalStep = false;
            lock.unlock();
        }
    }

    private void shipBatch() throws IOException {
        List<ChangeRecord> batch = store.changesSince(link.replicaSeq(), BATCH);
        if (!batch.isEmpty()) {
            link.ship(store, batch);
            confirmed(link.replicaSeq(), store.lastChangeSeq());
        }
    }

    private void closeLink() {
        if (link != null) {
            link.close();
            link = null;
        }
    }

    private synchronized void waitQuietly(long millis) {
        try {
            wait(millis == Long.MAX_VALUE ? 0 : Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            notifyAll();
        }
        catchUp.interrupt();
        try {
            catchUp.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            closeLink();
        } finally {
            lock.unlock();
        }
    }
}
