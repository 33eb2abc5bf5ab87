package org.mailslot.server.admin;

import org.mailslot.directory.Directory;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** Waits for the nodes to carry out what an admin command asked of them through the directory. */
final class SwitchWait {
    /** How often the directory is read while waiting. */
    private static final Duration POLL = Duration.ofMillis(50);

    private SwitchWait() {}

    /** Reads {@code pending} until it is empty or {@code limit} passes; returns what is still pending. */
    static <T> List<T> until(Directory d, Duration limit, Supplier<List<T>> pending) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        List<T> left = pending.get();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(POLL);
            left = pending.get();
        }
        return left;
    }
}
