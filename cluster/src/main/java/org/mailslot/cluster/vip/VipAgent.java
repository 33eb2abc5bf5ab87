package org.mailslot.cluster.vip;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import org.mailslot.directory.Directory;
import org.mailslot.directory.DirectoryException;
import org.mailslot.directory.Vip;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A front's part in holding VIPs (DESIGN.md section 6; timing in architecture.md "VIPs and DNS"). Every
 * {@code vip.heartbeat} it writes its VIP heartbeat to the directory; twice as often it takes or renews the lease
 * {@value #LEASE} and, while it holds it, runs the VIP manager for the whole cluster, then reads which VIPs it holds
 * and makes the host match: adds the ones given to it (through the {@link IpManager}, then tells the {@link Listener}),
 * removes the ones taken away, and hands over the ones it is asked to move, after removing them. A front that cannot
 * write its heartbeat for {@code vip.self-release-after} removes all its VIPs by itself, because after
 * {@code vip.takeover-after} another front takes them.
 *
 * <p>{@code new VipAgent(...).start()} runs it on two virtual threads (polling, and a watchdog for the self-release that
 * a directory call stuck for seconds cannot delay); {@link #close()} stops it and hands its VIPs over at once.
 */
public final class VipAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(VipAgent.class);

    /** The directory lease of the front that runs the VIP manager. */
    public static final String LEASE = "vip-manager";

    /** Told when this front starts and stops holding a VIP, so that listeners bound to it can be opened and closed. */
    public interface Listener {
        /** The address is on this host now. */
        void acquired(InetAddress vip);

        /** The address is gone from this host (called after it was removed). */
        void released(InetAddress vip);

        Listener NONE = new Listener() {
            @Override
            public void acquired(InetAddress vip) {
            }

            @Override
            public void released(InetAddress vip) {
            }
        };
    }

    private final Directory directory;
    private final String nodeName;
    private final IpManager ipManager;
    private final VipSettings settings;
    private final Listener listener;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final VipManager manager;

    private final ReentrantLock hostLock = new ReentrantLock(); // guards held and every IpManager call
    private final Map<InetAddress, String> held = new LinkedHashMap<>(); // address -> interface it was added to
    private final Set<InetAddress> failing = new HashSet<>(); // VIPs whose last add failed: logged once
    private volatile long lastBeat; // nanoTime before the last heartbeat write that succeeded
    private volatile boolean beating;
    private volatile boolean everBeat;
    private volatile boolean leading;
    private boolean cleanedUp;
    private String lastProblem;
    private long polls;
    private final Object lifecycle = new Object();
    private final List<Thread> threads = new ArrayList<>(); // guarded by lifecycle
    private volatile boolean running;

    public VipAgent(Directory directory, String nodeName, IpManager ipManager, VipSettings settings,
                    Listener listener, Clock clock) {
        this(directory, nodeName, ipManager, settings, listener, clock, System::nanoTime);
    }

    /** With the monotonic clock that times the self-release: tests move it. */
    VipAgent(Directory directory, String nodeName, IpManager ipManager, VipSettings settings, Listener listener,
             Clock clock, LongSupplier nanoTime) {
        this.directory = directory;
        this.nodeName = nodeName;
        this.ipManager = ipManager;
        this.settings = settings;
        this.listener = listener;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.manager = new VipManager(directory, settings.takeoverAfter());
    }

    /** Starts polling and the self-release watchdog; returns this. */
    public VipAgent start() {
        synchronized (lifecycle) {
            if (running) {
                return this;
            }
            running = true;
            threads.add(Thread.ofVirtual().name("vip-agent-" + nodeName).start(this::pollLoop));
            threads.add(Thread.ofVirtual().name("vip-watchdog-" + nodeName).start(this::watchdogLoop));
        }
        log.info("node {}: VIP agent started ({} IP manager, heartbeat {}, takeover after {}, self-release after {})",
                nodeName, ipManager, settings.heartbeat(), settings.takeoverAfter(), settings.selfReleaseAfter());
        return this;
    }

    /** The VIPs on this host now. */
    public Set<InetAddress> held() {
        hostLock.lock();
        try {
            return Set.copyOf(held.keySet());
        } finally {
            hostLock.unlock();
        }
    }

    /** Whether this front runs the VIP manager (holds the lease) as of its last poll. */
    public boolean leading() {
        return leading;
    }

    private void pollLoop() {
        long period = settings.poll().toNanos();
        long next = System.nanoTime();
        while (running) {
            try {
                poll();
            } catch (RuntimeException e) {
                log.error("node {}: VIP agent poll failed", nodeName, e);
            }
            next += period;
            long wait = next - System.nanoTime();
            if (wait < 0) {
                next = System.nanoTime(); // fell behind (a slow directory): do not catch up in a burst
            } else {
                LockSupport.parkNanos(wait);
            }
        }
    }

    private void watchdogLoop() {
        long period = Math.min(TimeUnit.MILLISECONDS.toNanos(100), settings.poll().toNanos() / 2);
        while (running) {
            checkSelfRelease();
            LockSupport.parkNanos(period);
        }
    }

    /** One poll: heartbeat (every other poll), lease and manager round, then this host's VIPs as the directory says. */
    synchronized void poll() {
        long started = nanoTime.getAsLong();
        if (polls++ % 2 == 0 || !beating) {
            try {
                directory.vipHeartbeat(nodeName, clock.instant());
                lastBeat = started;
                beating = true;
                everBeat = true;
                problemSolved();
            } catch (DirectoryException e) {
                beating = false;
                problem(e.reason() == DirectoryException.Reason.NOT_FOUND
                        ? "cannot write its VIP heartbeat: " + e.getMessage() + " (add it: mailslot admin node add "
                        + nodeName + " --address HOST --roles front)"
                        : "cannot write its VIP heartbeat: " + e.getMessage());
            }
        }
        try {
            boolean lead = directory.acquireLease(LEASE, nodeName, settings.takeoverAfter());
            if (lead != leading) {
                log.info("node {}: {}", nodeName, lead ? "now the VIP manager" : "no longer the VIP manager");
                leading = lead;
            }
            if (lead) {
                manager.run(clock.instant());
            }
        } catch (DirectoryException e) {
            problem("cannot run the VIP manager: " + e.getMessage());
        }
        List<Vip> vips;
        try {
            vips = directory.listVips();
        } catch (DirectoryException e) {
            problem("cannot read its VIPs: " + e.getMessage());
            return;
        }
        apply(vips);
    }

    /** Makes the host hold what the directory gives this front; hands over what it is asked to move. */
    private void apply(List<Vip> vips) {
        Map<InetAddress, Vip> mine = new LinkedHashMap<>();
        Map<InetAddress, Vip> others = new LinkedHashMap<>();
        for (Vip v : vips) {
            InetAddress a = InetAddress.ofLiteral(v.address());
            if (nodeName.equals(v.owner())) {
                mine.put(a, v);
            } else {
                others.put(a, v);
            }
        }
        List<Vip> handOver = new ArrayList<>();
        hostLock.lock();
        try {
            if (!cleanedUp) {
                cleanUp(others);
            }
            for (InetAddress a : List.copyOf(held.keySet())) {
                Vip v = mine.get(a);
                if (v == null || v.movingTo() != null) {
                    release(a, v == null ? "it is no longer given to this front" : "it moves to " + v.movingTo());
                }
            }
            boolean fresh = beating && nanoTime.getAsLong() - lastBeat < settings.selfReleaseAfter().toNanos();
            for (Map.Entry<InetAddress, Vip> e : mine.entrySet()) {
                Vip v = e.getValue();
                if (v.movingTo() != null) {
                    if (!held.containsKey(e.getKey())) { // its removal failed: hand over only once it is gone
                        handOver.add(v);
                    }
                } else if (!held.containsKey(e.getKey()) && fresh) {
                    acquire(e.getKey(), interfaceOf(v));
                }
            }
        } finally {
            hostLock.unlock();
        }
        for (Vip v : handOver) {
            try {
                if (directory.releaseVip(v.address(), nodeName, v.movingTo())) {
                    log.info("node {}: VIP {} handed over to {}", nodeName, v.address(), v.movingTo());
                }
            } catch (DirectoryException e) {
                problem("cannot hand VIP " + v.address() + " over to " + v.movingTo() + ": " + e.getMessage());
            }
        }
    }

    /** Once, at the first read: addresses a crashed run of this front may have left behind. */
    private void cleanUp(Map<InetAddress, Vip> others) {
        for (Map.Entry<InetAddress, Vip> e : others.entrySet()) {
            try {
                ipManager.remove(e.getKey(), interfaceOf(e.getValue()));
            } catch (IOException ex) {
                log.warn("node {}: cannot make sure VIP {} is not on this host: {}", nodeName, e.getKey().getHostAddress(),
                        ex.getMessage());
            }
        }
        cleanedUp = true;
    }

    private String interfaceOf(Vip v) {
        return v.interfaceName() != null ? v.interfaceName() : settings.interfaceName();
    }

    private void acquire(InetAddress a, String iface) {
        try {
            ipManager.add(a, iface);
        } catch (IOException e) {
            if (failing.add(a)) {
                log.error("node {}: {} (tried again every {})", nodeName, e.getMessage(), settings.poll());
            }
            return;
        }
        failing.remove(a);
        held.put(a, iface);
        log.info("node {}: holds VIP {}", nodeName, a.getHostAddress());
        try {
            listener.acquired(a);
        } catch (RuntimeException e) {
            log.error("node {}: listener failed on acquiring VIP {}", nodeName, a.getHostAddress(), e);
        }
    }

    private void release(InetAddress a, String why) {
        String iface = held.get(a);
        try {
            ipManager.remove(a, iface);
        } catch (IOException e) {
            // keep it as held: the next poll tries again, and a handover waits until the address is gone
            log.error("node {}: {}", nodeName, e.getMessage());
            return;
        }
        held.remove(a);
        log.info("node {}: released VIP {}: {}", nodeName, a.getHostAddress(), why);
        try {
            listener.released(a);
        } catch (RuntimeException e) {
            log.error("node {}: listener failed on releasing VIP {}", nodeName, a.getHostAddress(), e);
        }
    }

    /** Removes every VIP when the last heartbeat write that succeeded is older than vip.self-release-after. */
    void checkSelfRelease() {
        if (!everBeat) {
            return; // never beat: holds nothing
        }
        long since = nanoTime.getAsLong() - lastBeat;
        if (since < settings.selfReleaseAfter().toNanos()) {
            return;
        }
        hostLock.lock();
        try {
            if (held.isEmpty()) {
                return;
            }
            log.error("node {}: no VIP heartbeat written for {} ms (more than vip.self-release-after {}): letting every"
                    + " VIP go, another front takes them after vip.takeover-after", nodeName,
                    TimeUnit.NANOSECONDS.toMillis(since), settings.selfReleaseAfter());
            for (InetAddress a : List.copyOf(held.keySet())) {
                release(a, "cut off from the directory");
            }
        } finally {
            hostLock.unlock();
        }
    }

    private void problem(String what) {
        if (!what.equals(lastProblem)) {
            log.warn("node {}: VIP agent {}", nodeName, what);
            lastProblem = what;
        }
    }

    private void problemSolved() {
        if (lastProblem != null) {
            log.info("node {}: VIP agent reaches the directory again", nodeName);
            lastProblem = null;
        }
    }

    /**
     * Stops, removes every VIP from this host, and hands each over in the directory: to the front a planned move names,
     * else to nobody, and marks this front stopped, so the manager gives them to live fronts at its next round instead
     * of after vip.takeover-after. Directory failures are logged: the VIPs are off this host either way.
     */
    @Override
    public void close() {
        stopThreads();
        hostLock.lock();
        try {
            for (InetAddress a : List.copyOf(held.keySet())) {
                release(a, "this front stops");
            }
        } finally {
            hostLock.unlock();
        }
        try {
            directory.vipHeartbeat(nodeName, null);
            for (Vip v : directory.listVips()) {
                if (nodeName.equals(v.owner())) {
                    directory.releaseVip(v.address(), nodeName, v.movingTo());
                }
            }
            directory.releaseLease(LEASE, nodeName);
        } catch (DirectoryException e) {
            log.warn("node {}: could not hand its VIPs over on stopping ({}): other fronts take them after {}", nodeName,
                    e.getMessage(), settings.takeoverAfter());
        }
        log.info("node {}: VIP agent stopped", nodeName);
    }

    /** Stops the threads and nothing else, as a process killed with SIGKILL would: for tests. */
    void kill() {
        stopThreads();
    }

    private void stopThreads() {
        List<Thread> stopping;
        synchronized (lifecycle) {
            running = false;
            stopping = List.copyOf(threads);
            threads.clear();
        }
        for (Thread t : stopping) {
            LockSupport.unpark(t);
            try {
                t.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "VipAgent[" + nodeName + ", holds " + held() + "]";
    }
}
