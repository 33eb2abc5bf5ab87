package org.mailslot.front;

import org.mailslot.directory.Directory;
import org.mailslot.directory.DirectoryException;
import org.mailslot.directory.Node;
import org.mailslot.directory.Slot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * The front's view of where each slot's master is: the slot map and node addresses, read from the directory every
 * {@code refresh} on a thread of its own (and at once when a caller found a route stale). Sessions relayed to a
 * master register a watch and are told when that slot's epoch moves on, so that they end and the client reconnects
 * to the new master.
 */
public final class SlotRouter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SlotRouter.class);

    /** Where to find a slot's master now. */
    public record Route(int slot, long epoch, String node, String address) {}

    private final Directory directory;
    private final Duration refresh;
    private final Thread thread;
    private final Map<Integer, Route> routes = new ConcurrentHashMap<>();
    private final Map<Integer, List<Watch>> watches = new ConcurrentHashMap<>();
    private final Object wake = new Object();
    private volatile boolean closed;
    /** nanoTime when the last directory read started (guarded by this). */
    private long lastRead;

    private record Watch(long epoch, Runnable moved) {}

    public SlotRouter(Directory directory, Duration refresh) {
        this.directory = directory;
        this.refresh = refresh;
        refreshNow();
        this.thread = Thread.ofVirtual().name("slot-router").start(this::loop);
    }

    /** The slot's master as last read, if the slot has one. */
    public Optional<Route> route(int slot) {
        return Optional.ofNullable(routes.get(slot));
    }

    /**
     * Reads the directory again before answering: a caller found the last route wrong (refused, unreachable). Many
     * sessions of a moving slot ask at once; a read that started after the caller's request serves them all.
     */
    public Optional<Route> reroute(int slot) {
        long asked = System.nanoTime();
        synchronized (this) {
            if (lastRead - asked < 0) {
                refreshNow();
            }
        }
        return route(slot);
    }

    /**
     * Calls {@code moved} once, from the router's thread, when the slot's epoch is no longer {@code epoch}. Returns
     * the handle that cancels the watch.
     */
    public AutoCloseable watch(int slot, long epoch, Runnable moved) {
        Watch w = new Watch(epoch, moved);
        watches.computeIfAbsent(slot, s -> new CopyOnWriteArrayList<>()).add(w);
        Route now = routes.get(slot);
        if (now != null && now.epoch() != epoch) {
            fire(slot, now.epoch());
        }
        return () -> {
            List<Watch> list = watches.get(slot);
            if (list != null) {
                list.remove(w);
            }
        };
    }

    private void loop() {
        while (!closed) {
            synchronized (wake) {
                try {
                    wake.wait(refresh.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
            if (!closed) {
                refreshNow();
            }
        }
    }

    private synchronized void refreshNow() {
        lastRead = System.nanoTime();
        try {
            Map<String, String> addresses = directory.listNodes().stream()
                    .collect(Collectors.toMap(Node::name, Node::address, (a, b) -> a));
            for (Slot s : directory.listSlots()) {
                String address = s.masterNode() == null ? null : addresses.get(s.masterNode());
                if (address == null) {
                    routes.remove(s.id());
                } else {
                    Route old = routes.put(s.id(), new Route(s.id(), s.epoch(), s.masterNode(), address));
                    if (old != null && old.epoch() != s.epoch()) {
                        log.info("slot {} moved to {} at epoch {}", s.id(), s.masterNode(), s.epoch());
                    }
                }
                fire(s.id(), s.epoch());
            }
        } catch (DirectoryException e) {
            log.warn("cannot read the slot map, routing by the last one read: {}", e.getMessage());
        }
    }

    private void fire(int slot, long epoch) {
        List<Watch> list = watches.get(slot);
        if (list == null) {
            return;
        }
        for (Watch w : list) {
            if (w.epoch() != epoch && list.remove(w)) {
                try {
                    w.moved().run();
                } catch (RuntimeException e) {
                    log.warn("slot {} move handler failed", slot, e);
                }
            }
        }
    }

    /** For tests and metrics: how many sessions watch each slot. */
    Map<Integer, Integer> watchCounts() {
        return watches.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().size()));
    }

    @Override
    public void close() {
        closed = true;
        synchronized (wake) {
            wake.notifyAll();
        }
        thread.interrupt();
    }
}
