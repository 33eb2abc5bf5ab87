package org.mailslot.core.net;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A socket's output, remembering since when a write has been blocked, so that a watchdog can close the connection
 * of a peer that stopped reading: socket writes have no timeout of their own, and a thread stuck in a write holds
 * its locks forever. {@link LineServer} watches its sessions with it, the replication link its replica.
 */
public final class WatchedOutputStream extends OutputStream {
    private final OutputStream out;
    private volatile long blockedSince; // System.nanoTime() when the current write started; 0 = not writing

    public WatchedOutputStream(OutputStream out) {
        this.out = out;
    }

    /** Nanoseconds the current write has been blocked, or 0 when no write is in progress. */
    public long blockedNanos(long now) {
        long since = blockedSince;
        return since == 0 ? 0 : now - since;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        blockedSince = System.nanoTime();
        try {
            out.write(b, off, len);
        } finally {
            blockedSince = 0;
        }
    }

    @Override
    public void flush() throws IOException {
        blockedSince = System.nanoTime();
        try {
            out.flush();
        } finally {
            blockedSince = 0;
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
