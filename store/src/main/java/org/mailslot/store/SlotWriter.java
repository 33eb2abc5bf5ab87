package org.mailslot.store;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of a slot: group commit. It takes every pending request (up to {@code maxBatch}),
 * runs each in its own savepoint inside ONE transaction, commits (one WAL fsync), then answers every
 * caller. A request that fails rolls back to its savepoint without failing the others.
 */
final class SlotWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SlotWriter.class);

    @FunctionalInterface
    interface Op<T> {
        T apply(Tx tx) throws SQLException;
    }

    /** Who asked: a client write (masters only), a master's change applied here (replicas only), or the store. */
    enum Kind { CLIENT, REPLICATED, CONTROL }

    private record Request<T>(Op<T> op, List<Path> dirsToSync, CompletableFuture<T> done, Kind kind) {}

    private static final Request<Void> STOP = new Request<>(null, null, null, Kind.CONTROL);

    private final Connection connection;
    private final int maxBatch;
    private final LongSupplier epoch;
    private final Clock clock;
    private final ObjectMapper json;
    private final FaultHook faults;
    private final Consumer<Tx> afterCommit;
    private final LinkedBlockingQueue<Request<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;
    private volatile long commits;
    /** Changed only by CONTROL requests, so every request in a batch sees the role of its turn. */
    private volatile CopyRole role = CopyRole.MASTER;
    private volatile CommitShipper shipper;

    SlotWriter(String name, Connection connection, int maxBatch, LongSupplier epoch, Clock clock, ObjectMapper json,
               FaultHook faults, Consumer<Tx> afterCommit) throws SQLException {
        this.connection = connection;
        this.maxBatch = maxBatch;
        this.epoch = epoch;
        this.clock = clock;
        this.json = json;
        this.faults = faults;
        this.afterCommit = afterCommit;
        connection.setAutoCommit(false);
        this.thread = Thread.ofPlatform().name(name).daemon(true).start(this::loop);
    }

    /** Runs {@code op} in the next group commit and waits until it is durable. */
    <T> T submit(Op<T> op, Path dirToSync) {
        return submitSyncing(op, dirToSync == null ? List.of() : List.of(dirToSync));
    }

    /** Same, with every blob directory whose renames the commit must fsync first. */
    <T> T submitSyncing(Op<T> op, List<Path> dirsToSync) {
        return submit(op, dirsToSync, Kind.CLIENT);
    }

    /** A master's change records, applied on a replica copy. */
    <T> T submitReplicated(Op<T> op) {
        return submit(op, List.of(), Kind.REPLICATED);
    }

    /**
     * Makes this copy a master (its commits shipped by {@code shipper}, null for none) or a replica, at the end of
     * the writes queued before; {@code op} runs in the same turn (e.g. recording the epoch).
     */
    void changeRole(CopyRole newRole, CommitShipper newShipper, Op<Void> op) {
        submit(tx -> {
            op.apply(tx);
            role = newRole;
            shipper = newShipper;
            return null;
        }, List.of(), Kind.CONTROL);
    }

    CopyRole role() {
        return role;
    }

    private <T> T submit(Op<T> op, List<Path> dirsToSync, Kind kind) {
        if (closed) {
            throw new StoreException(StoreException.Reason.IO, "slot store is closed");
        }
        Request<T> request = new Request<>(op, dirsToSync, new CompletableFuture<>(), kind);
        queue.add(request);
        if (closed && queue.remove(request)) {
            throw new StoreException(StoreException.Reason.IO, "slot store is closed");
        }
        try {
            return request.done.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof StoreException se) {
                throw new StoreException(se.reason(), se.getMessage(), se);
            }
            throw new StoreException(StoreException.Reason.IO, "write failed: " + e.getCause(), e.getCause());
        }
    }

    private void loop() {
        List<Request<?>> batch = new ArrayList<>();
        while (true) {
            Request<?> first;
            try {
                first = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            batch.add(first);
            // A role change (or STOP) runs in a batch of its own: the writes before it must be committed and shipped
            // under the role they ran in. Sharing a commit, a write that ran as master would be answered after a
            // fence had already dropped the shipper, never reaching the replica.
            if (first.kind != Kind.CONTROL) {
                while (batch.size() < maxBatch) {
                    Request<?> next = queue.peek();
                    if (next == null || next.kind == Kind.CONTROL) {
                        break;
                    }
                    batch.add(queue.poll()); // the writer is the only consumer: this is the request just seen
                }
            }
            boolean stop = batch.remove(STOP);
            if (!batch.isEmpty()) {
                try {
                    run(batch);
                } catch (Throwable e) { // never leave callers waiting on a dead writer
                    log.error("slot writer failed", e);
                    failAll(batch, new StoreException(StoreException.Reason.IO, "slot writer failed: " + e, e));
                }
            }
            batch.clear();
            if (stop) {
                return;
            }
        }
    }

    private void run(List<Request<?>> batch) {
        Set<Path> dirs = new LinkedHashSet<>();
        for (Request<?> r : batch) {
            dirs.addAll(r.dirsToSync);
        }
        try {
            for (Path dir : dirs) { // one directory fsync shared by every body renamed into it
                BlobStore.syncDir(dir);
            }
        } catch (IOException e) {
            failAll(batch, new StoreException(StoreException.Reason.IO, "cannot fsync blob directory", e));
            return;
        }
        Object[] results = new Object[batch.size()];
        Throwable[] failures = new Throwable[batch.size()];
        Tx tx = new Tx(connection, epoch.getAsLong(), clock.millis(), json);
        try (Statement st = connection.createStatement()) {
            for (int i = 0; i < batch.size(); i++) {
                Request<?> r = batch.get(i);
                if (r.kind == Kind.CLIENT && role != CopyRole.MASTER || r.kind == Kind.REPLICATED && role != CopyRole.REPLICA) {
                    failures[i] = new StoreException(StoreException.Reason.NOT_MASTER, r.kind == Kind.CLIENT
                            ? "this copy of the slot is " + role.describe() + ": writes go to the slot's master"
                            : "this copy of the slot is " + role.describe() + ", not a replica: refused");
                    continue;
                }
                Tx.Mark mark = tx.mark();
                st.execute("SAVEPOINT request");
                try {
                    results[i] = batch.get(i).op.apply(tx);
                    tx.captureRest();
                    st.execute("RELEASE request");
                } catch (SQLException | RuntimeException e) {
                    st.execute("ROLLBACK TO request");
                    st.execute("RELEASE request");
                    tx.rollbackTo(mark);
                    failures[i] = e;
                }
            }
            boolean clientWork = batch.stream().anyMatch(r -> r.kind != Kind.CONTROL);
            if (clientWork) { // crash tests aim at writes, not at a node taking its roles
                faults.at(FaultInjectingSlotStore.FaultPoint.BEFORE_COMMIT);
            }
            connection.commit();
            commits++;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            log.warn("group commit of {} requests failed", batch.size(), e);
            failAll(batch, e instanceof StoreException se ? se
                    : new StoreException(StoreException.Reason.IO, "commit failed: " + e.getMessage(), e));
            return;
        }
        try {
            if (batch.stream().anyMatch(r -> r.kind != Kind.CONTROL)) {
                faults.at(FaultInjectingSlotStore.FaultPoint.AFTER_COMMIT);
            }
        } catch (RuntimeException e) {
            failAll(batch, e); // durable, but the callers never hear so: like a crash before the reply
            return;
        }
        CommitShipper ship = shipper;
        if (ship != null && role == CopyRole.MASTER && !tx.changes().isEmpty()) {
            try {
                ship.shipped(tx.changes()); // invariant 1: on the replica, or the replica marked out of sync
            } catch (RuntimeException e) {
                boolean fenced = e instanceof StoreException se && se.reason() == StoreException.Reason.NOT_MASTER;
                if (fenced) {
                    role = CopyRole.FENCED;
                }
                log.warn("commit of {} requests is durable here but not replicated; answering them with a failure",
                        batch.size(), e);
                if (!fenced) { // a fenced copy's local commit is never acknowledged: nobody here should see it
                    publishQuietly(tx);
                }
                failAll(batch, e instanceof StoreException se ? se : new StoreException(StoreException.Reason.IO,
                        "the write could not be replicated: " + e.getMessage(), e));
                return;
            }
        }
        publishQuietly(tx);
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results[i], failures[i]);
        }
    }

    private void publishQuietly(Tx tx) {
        try {
            afterCommit.accept(tx);
        } catch (RuntimeException e) {
            log.warn("change listener failed", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Request<T> r, Object result, Throwable failure) {
        if (failure == null) {
            r.done.complete((T) result);
        } else {
            r.done.completeExceptionally(failure);
        }
    }

    private void rollbackQuietly() {
        try {
            connection.rollback();
        } catch (SQLException e) {
            log.warn("rollback failed", e);
        }
    }

    private static void failAll(List<Request<?>> batch, Throwable e) {
        for (Request<?> r : batch) {
            r.done.completeExceptionally(e);
        }
    }

    /** Requests waiting for the next group commit. */
    int queued() {
        return queue.size();
    }

    /** Group commits so far (each one WAL fsync); for tests and metrics. */
    long commits() {
        return commits;
    }

    @Override
    public void close() {
        closed = true;
        queue.add(STOP);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Request<?>> left = new ArrayList<>();
        queue.drainTo(left);
        left.remove(STOP);
        failAll(left, new StoreException(StoreException.Reason.IO, "slot store is closed"));
        try {
            connection.close();
        } catch (SQLException e) {
            log.warn("closing the writer connection failed", e);
        }
    }
}
