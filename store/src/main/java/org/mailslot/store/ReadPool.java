package org.mailslot.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/** A few read connections; WAL lets them read while the writer commits. Each read is one snapshot. */
final class ReadPool implements AutoCloseable {
    @FunctionalInterface
    interface Read<T> {
        T apply(Connection c) throws SQLException;
    }

    private final BlockingQueue<Connection> idle;
    private final List<Connection> all = new ArrayList<>();

    ReadPool(List<Connection> connections) throws SQLException {
        this.idle = new ArrayBlockingQueue<>(connections.size());
        for (Connection c : connections) {
            c.setAutoCommit(false);
            all.add(c);
            idle.add(c);
        }
    }

    <T> T read(Read<T> read) {
        Connection c;
        try {
            c = idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(StoreException.Reason.IO, "interrupted waiting for a read connection", e);
        }
        try {
            return read.apply(c);
        } catch (SQLException e) {
            throw new StoreException(StoreException.Reason.IO, "read failed: " + e.getMessage(), e);
        } finally {
            try {
                c.rollback(); // ends the read snapshot so the next read sees the latest commit
            } catch (SQLException e) {
                // the connection stays usable; the next statement starts a fresh snapshot
            }
            idle.add(c);
        }
    }

    @Override
    public void close() {
        for (Connection c : all) {
            try {
                c.close();
            } catch (SQLException e) {
                // closing anyway
            }
        }
    }
}
