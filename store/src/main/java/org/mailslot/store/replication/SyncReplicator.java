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
 *
 * <p>A replica whose log does not continue the master's (RESYNC_NEEDED: it diverged, holding changes of a master that
 * was replaced before it shipped them, or it has a gap) gets a full resync: on a new link it is told to empty its
 * copy ({@link ReplicaLink#reset}), then the catch-up ships the master's whole log from seq 1 in batches, bodies it
 * still has not sent again, and records it in sync at the end as any catch-up. It stays out of sync in the directory
 * the whole time, so it cannot be promoted with half a copy. The log is never truncated yet, so it is the complete
 * history of the copy; a master whose log no longer begins at seq 1 would need a snapshot, which is not built, and
 * says so instead of emptying the replica.
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
    private final String replicaNode;
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
    private volatile String resyncAsked; // set under the lock by resync(), taken by the catch-up thread
    // catch-up thread only
    private String resyncReason; // why the replica needs a full resync, null when it does not
    private long resyncStartNanos; // when the running full resync emptied the replica, 0 when none runs

    /**
     * @param replicaNode the node holding the replica copy, for the log
     * @param inSync    what the directory says now; a replica recorded out of sync is caught up before it is trusted
     * @param leaseHeld whether this node read the slot map recently enough to still call itself master (invariant
     *                  2): out of sync, no replica stands behind a write, so without it nothing is acknowledged
     * @param retry     how long the catch-up thread waits after a failed connection
     */
    public SyncReplicator(SlotStore store, long epoch, String replicaNode, boolean inSync, LinkOpener opener,
                          SyncRecord record, BooleanSupplier leaseHeld, Duration retry) {
        this.store = store;
        this.epoch = epoch;
        this.replicaNode = replicaNode;
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

    /**
     * Rebuilds the replica from this master's log (a full resync), as when its log does not continue the master's:
     * for a replica whose rows a scrub found different although its log agrees (DESIGN.md section 5, invariants 4 and
     * 5). The replica is recorded out of sync first, with {@code reason}; commits go on meanwhile as with any
     * out-of-sync replica, and the catch-up thread empties the replica on a new link, ships the whole log and records
     * it in sync at the end. False when this copy is no longer master at its epoch (or this replicator is closed):
     * nothing was done. Throws when the directory cannot be reached.
     */
    public boolean resync(String reason) {
        lock.lock();
        try {
            if (closed || !record.markOutOfSync(store.slotId(), epoch, reason)) {
                return false;
            }
            inSync = false;
            resyncAsked = reason;
        } finally {
            lock.unlock();
        }
        log.warn("slot {}: replica on {} will be resynced in full: {}", store.slotId(), replicaNode, reason);
        synchronized (this) {
            notifyAll();
        }
        return true;
    }

    /** A resync asked for by {@link #resync} starts on a new link: the reset must be the link's first request. */
    private void takeResyncRequest() {
        String asked = resyncAsked;
        if (asked == null) {
            return;
        }
        resyncAsked = null;
        resyncReason = asked;
        lock.lock();
        try {
            closeLink();
        } finally {
            lock.unlock();
        }
    }

    private void catchUpLoop() {
        while (!closed) {
            if (inSync) {
                waitQuietly(Long.MAX_VALUE);
                continue;
            }
            takeResyncRequest();
            try {
                catchUpOnce();
            } catch (IOException | RuntimeException e) {
                lock.lock();
                try {
                    closeLink();
                } finally {
                    lock.unlock();
                }
                if (e instanceof ReplicationException r && r.reason() == ReplicationException.Reason.RESYNC_NEEDED) {
                    resyncReason = r.getMessage(); // the next link empties the replica first
                    log.info("slot {}: replica on {} needs a full resync; starting it in {}", store.slotId(),
                            replicaNode, retry);
                } else {
                    log.info("slot {}: replica catch-up failed ({}); retrying in {}", store.slotId(), e.getMessage(),
                            retry);
                }
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
            if (resyncReason != null) {
                startResync();
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
            if (!closed) {
                // a round trip even with nothing left to send: the link checks on its first ship that the replica's
                // log is this master's, and a replica level with or ahead of the master may have diverged
                link.ship(store, List.of());
            }
            if (resyncAsked != null) {
                return; // asked for while this catch-up ran: the loop starts the resync instead
            }
            if (!closed && record.markInSync(store.slotId(), epoch)) {
                inSync = true;
                log.info("slot {}: replica caught up at seq {} and recorded in sync", store.slotId(), link.replicaSeq());
                if (resyncStartNanos != 0) {
                    log.info("slot {}: full resync of the replica on {} done: {} changes in {} ms", store.slotId(),
                            replicaNode, link.replicaSeq(),
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resyncStartNanos));
                    resyncStartNanos = 0;
                }
            } else if (!closed) {
                log.warn("slot {}: epoch moved on while catching up; this copy is no longer master", store.slotId());
                closed = true;
            }
        } finally {
            finalStep = false;
            lock.unlock();
        }
    }

    /**
     * Empties the replica over the new link, with the lock held; the catch-up then ships the whole log. Refused,
     * without touching the replica, when this master's log no longer begins at seq 1.
     */
    private void startResync() throws IOException {
        List<ChangeRecord> first = store.changesSince(0, 1);
        if (!first.isEmpty() && first.getFirst().seq() != 1) {
            log.error("slot {}: replica on {} needs a full resync ({}), but this master's log begins at seq {}: it"
                    + " needs a snapshot of the copy, which this build cannot ship; it stays out of sync",
                    store.slotId(), replicaNode, resyncReason, first.getFirst().seq());
            throw new IOException("the master's log of slot " + store.slotId() + " begins at seq "
                    + first.getFirst().seq() + ": no full resync from the log");
        }
        log.warn("slot {}: replica on {} needs a full resync ({}): wiping its copy and resending the whole log ({}"
                + " changes)", store.slotId(), replicaNode, resyncReason, store.lastChangeSeq());
        link.reset();
        resyncReason = null; // from here on the replica holds a prefix of this log: a broken link just continues
        resyncStartNanos = System.nanoTime();
        confirmed(link.replicaSeq(), store.lastChangeSeq());
    }

    private void shipBatch() throws IOException {
        List<ChangeRecord> batch = store.changesSince(link.replicaSeq(), BATCH);
        if (!batch.isEmpty() && batch.getFirst().seq() != link.replicaSeq() + 1) {
            // a hole in this log: a resync would stop at it too, so the replica is not emptied for nothing
            throw new IOException("the master's log of slot " + store.slotId() + " has no change "
                    + (link.replicaSeq() + 1) + " (it continues at " + batch.getFirst().seq() + ")");
        }
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
