package org.mailslot.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.mailslot.directory.Directory;
import org.mailslot.directory.ScrubRequest;
import org.mailslot.directory.Slot;
import org.mailslot.directory.SlotEvent;
import org.mailslot.store.SlotStores;
import org.mailslot.store.replication.ScrubReport;
import org.mailslot.store.replication.SlotScrub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrubs the slots this node masters (DESIGN.md section 5, invariant 5), one at a time on a background thread: when an
 * operator asks through the directory ({@link Directory#requestScrub}) and every {@code store.scrub-interval} after a
 * slot's last scrub. Each scrub ({@link SlotScrub}) mends damaged bodies from the good copy and is recorded as a
 * "scrub" event with its findings, which answers the request. Copies whose rows differ cannot be mended that way: the
 * replica is recorded out of sync and resynced in full from this master ({@link SlotRoles#resyncReplica}).
 *
 * <p>Metrics: {@code mailslot.scrub.runs{result=clean|found|failed}}, {@code mailslot.scrub.findings{kind=body-missing|
 * body-corrupted|mailbox-differs|copies-differ}}, {@code mailslot.scrub.repairs{side=master|replica}} (the copy that
 * was mended).
 */
public final class Scrubber implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Scrubber.class);
    /** The longest text a slot event keeps. */
    private static final int MAX_DETAIL = 4000;

    private final Directory directory;
    private final SlotRoles roles;
    private final SlotStores stores;
    private final SlotRoles.Links links;
    private final MeterRegistry meters;
    private final Duration interval;
    private final Clock clock;
    private final ExecutorService worker;
    private final Set<Integer> queued = ConcurrentHashMap.newKeySet();
    private final Map<Integer, Instant> lastScrub = new ConcurrentHashMap<>();

    /** @param interval how long after its last scrub a slot is scrubbed again (store.scrub-interval) */
    public Scrubber(Directory directory, SlotRoles roles, SlotStores stores, SlotRoles.Links links, MeterRegistry meters,
                    Duration interval, Clock clock) {
        this.directory = directory;
        this.roles = roles;
        this.stores = stores;
        this.links = links;
        this.meters = meters;
        this.interval = interval;
        this.clock = clock;
        this.worker = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("scrub").daemon().factory());
    }

    /**
     * Queues the scrubs that are due: asked for, or a slot's interval passed. Returns at once; the node calls it on its
     * role-refresh timer. A slot whose scrub is queued or running is not queued again.
     */
    public void tick() {
        Instant now = clock.instant();
        Map<Integer, ScrubRequest> asked = new HashMap<>();
        directory.pendingScrubs().forEach(r -> asked.put(r.slot(), r));
        for (Slot slot : roles.masteredSlots()) {
            int id = slot.id();
            ScrubRequest request = asked.get(id);
            Instant last = lastScrub.computeIfAbsent(id, this::lastScrubRecorded);
            if ((request != null || !now.isBefore(last.plus(interval))) && queued.add(id)) {
                try {
                    worker.execute(() -> scrub(id, request));
                } catch (RejectedExecutionException e) {
                    queued.remove(id);
                    return; // closed while the node stops
                }
            }
        }
    }

    /** When the slot's last scrub was recorded; never: now, so that the first one comes an interval from here. */
    private Instant lastScrubRecorded(int slotId) {
        return directory.listSlotEvents(slotId).reversed().stream().filter(e -> e.kind().equals("scrub"))
                .map(SlotEvent::at).findFirst().orElseGet(clock::instant);
    }

    private void scrub(int slotId, ScrubRequest request) {
        try {
            Slot slot = roles.masteredSlots().stream().filter(s -> s.id() == slotId).findFirst().orElse(null);
            if (slot == null) {
                return; // no longer master here: the new master answers the request
            }
            log.info("slot {}: scrub starting{}", slotId, request == null ? " (scheduled)" : " (asked for)");
            ScrubReport report = SlotScrub.run(stores.slot(slotId), slot.replicaNode(),
                    () -> links.open(slot.replicaNode(), slotId, slot.epoch()));
            String resync = report.diverged() ? resync(slot, report) : "";
            count(report);
            directory.recordScrub(slotId, request, report.summary(MAX_DETAIL - resync.length()) + resync);
            lastScrub.put(slotId, clock.instant());
        } catch (RuntimeException e) {
            log.warn("slot {}: scrub could not run or be recorded, will try again: {}", slotId, e.toString());
        } finally {
            queued.remove(slotId);
        }
    }

    /** Copies that diverged: the replica is resynced from this master; returns what to add to the event. */
    private String resync(Slot slot, ScrubReport report) {
        String first = report.findings().stream().filter(f -> f.kind().divergence()).findFirst().orElseThrow().text();
        try {
            if (roles.resyncReplica(slot.id(), "scrub: " + first)) {
                return "; replica " + slot.replicaNode() + " recorded out of sync: a full resync from the master"
                        + " follows";
            }
            return "; the replica could not be resynced: this node no longer masters the slot";
        } catch (RuntimeException e) {
            log.error("slot {}: scrub found the copies diverged, and recording the replica out of sync failed: {}",
                    slot.id(), e.getMessage());
            return "; recording the replica out of sync failed: " + e.getMessage();
        }
    }

    private void count(ScrubReport report) {
        String result = report.failure() != null ? "failed" : report.findings().isEmpty() ? "clean" : "found";
        meters.counter("mailslot.scrub.runs", "result", result).increment();
        for (ScrubReport.Finding f : report.findings()) {
            meters.counter("mailslot.scrub.findings", "kind", f.kind().label()).increment();
            if (f.repaired()) {
                meters.counter("mailslot.scrub.repairs", "side", f.side().label()).increment();
            }
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
        try {
            if (!worker.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("a scrub is still running after 10 s; closing without it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
