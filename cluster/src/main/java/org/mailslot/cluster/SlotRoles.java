package org.mailslot.cluster;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.mailslot.directory.Directory;
import org.mailslot.directory.NodeState;
import org.mailslot.directory.Slot;
import org.mailslot.store.CopyRole;
import org.mailslot.store.SlotStore;
import org.mailslot.store.SlotStores;
import org.mailslot.store.replication.ReplicaLink;
import org.mailslot.store.replication.ReplicaSlots;
import org.mailslot.store.replication.SyncReplicator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every slot copy on this node the role the directory names at the slot's current epoch (DESIGN.md section
 * 5): master (writes, each commit shipped to the replica by a {@link SyncReplicator}), replica (applies what its
 * master sends; the replication server asks {@link #replicaCopy}), or fenced (a copy this node held whose slot now
 * lives elsewhere). {@link #refresh} reads the slot map and changes what differs; the node calls it at start, on a
 * timer and when an operator's command says the map changed.
 */
public final class SlotRoles implements ReplicaSlots, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SlotRoles.class);

    /** Opens a replication link from this node to {@code replicaNode} for one slot at one epoch. */
    @FunctionalInterface
    public interface Links {
        ReplicaLink open(String replicaNode, int slotId, long epoch) throws IOException;
    }

    private record Held(CopyRole role, long epoch, String replicaNode, SyncReplicator replicator) {}

    private final String nodeName;
    private final Directory directory;
    private final SlotStores stores;
    private final Links links;
    private final Duration retry;
    private final Duration lease;
    private final Map<Integer, Held> held = new HashMap<>(); // guarded by this
    private volatile long lastRead = System.nanoTime();

    /**
     * @param lease how long after its last successful read of the slot map a master with an out-of-sync replica
     *              still acknowledges writes (cluster.lease)
     * @param retry how long a master waits before reconnecting to an out-of-sync replica (cluster.reconnect)
     */
    public SlotRoles(String nodeName, Directory directory, SlotStores stores, Links links, Duration lease,
                     Duration retry) {
        this.nodeName = nodeName;
        this.directory = directory;
        this.stores = stores;
        this.links = links;
        this.lease = lease;
        this.retry = retry;
    }

    /**
     * Whether this node read the slot map within the lease time: a master that cannot is cut off from the directory
     * and may have been replaced, so it must not acknowledge writes its replica does not have (invariant 2).
     */
    public boolean leaseHeld() {
        return System.nanoTime() - lastRead < lease.toNanos();
    }

    /** Brings every copy on this node to its role in the directory; returns the ids of the slots that changed. */
    public synchronized List<Integer> refresh() {
        List<Integer> changed = new ArrayList<>();
        long readAt = System.nanoTime();
        List<Slot> slots = directory.listSlots();
        Set<Integer> handOver = new HashSet<>(directory.pendingSwitchovers());
        Map<String, NodeState> states = new HashMap<>();
        directory.listNodes().forEach(n -> states.put(n.name(), n.state()));
        boolean drained = states.get(nodeName) == NodeState.DRAINED;
        lastRead = readAt;
        for (Slot s : slots) {
            Held h = held.get(s.id());
            if (nodeName.equals(s.masterNode())) {
                if (h != null && h.role() == CopyRole.MASTER && h.epoch() == s.epoch()
                        && Objects.equals(h.replicaNode(), s.replicaNode())) {
                    boolean replicaActive = states.getOrDefault(s.replicaNode(), NodeState.ACTIVE) == NodeState.ACTIVE;
                    if (h.replicator() != null && (drained || handOver.contains(s.id())) && replicaActive
                            && switchOver(s, h)) {
                        changed.add(s.id());
                    }
                    continue;
                }
                release(h);
                SlotStore copy = stores.slot(s.id());
                SyncReplicator replicator = s.replicaNode() == null ? null : new SyncReplicator(copy, s.epoch(),
                        s.replicaNode(), s.inSync(), () -> links.open(s.replicaNode(), s.id(), s.epoch()),
                        syncRecord(), this::leaseHeld, retry);
                copy.becomeMaster(s.epoch(), replicator);
                held.put(s.id(), new Held(CopyRole.MASTER, s.epoch(), s.replicaNode(), replicator));
                changed.add(s.id());
            } else if (nodeName.equals(s.replicaNode())) {
                if (h != null && h.role() == CopyRole.REPLICA && h.epoch() == s.epoch()) {
                    continue;
                }
                release(h);
                stores.slot(s.id()).becomeReplica(s.epoch());
                held.put(s.id(), new Held(CopyRole.REPLICA, s.epoch(), null, null));
                changed.add(s.id());
            } else if (h != null) {
                release(h);
                stores.slot(s.id()).fence();
                held.remove(s.id());
                changed.add(s.id());
            }
        }
        if (!changed.isEmpty()) {
            log.info("node {}: slot roles changed for slots {}", nodeName, changed);
        }
        return changed;
    }

    /**
     * A planned switchover (DESIGN.md section 5, invariant 6): stop this copy's writes in a writer turn (every write
     * before it is then committed and, in sync, on the replica), promote the replica in the directory, and become its
     * replica. Nothing acknowledged can be missing from the new master. Skipped (tried again at the next refresh)
     * while the replica is out of sync; undone if the promotion is refused.
     */
    private boolean switchOver(Slot s, Held h) {
        SlotStore copy = stores.slot(s.id());
        if (!h.replicator().inSync()) {
            log.info("node {}: slot {} waits to switch over: its replica on {} is out of sync", nodeName, s.id(),
                    s.replicaNode());
            return false;
        }
        long started = System.nanoTime();
        copy.fence();
        if (!h.replicator().inSync()) { // the last writes before the fence could not be shipped
            copy.becomeMaster(s.epoch(), h.replicator());
            return false;
        }
        Slot promoted;
        try {
            promoted = directory.promoteReplica(s.id(), s.epoch(), false, true, "switchover from " + nodeName);
        } catch (RuntimeException e) {
            log.warn("node {}: switchover of slot {} refused: {}; staying master", nodeName, s.id(), e.getMessage());
            copy.becomeMaster(s.epoch(), h.replicator());
            return false;
        }
        release(h);
        copy.becomeReplica(promoted.epoch());
        held.put(s.id(), new Held(CopyRole.REPLICA, promoted.epoch(), null, null));
        log.info("node {}: slot {} switched over to {} at epoch {} ({} ms with writes stopped here)", nodeName, s.id(),
                promoted.masterNode(), promoted.epoch(), (System.nanoTime() - started) / 1_000_000);
        return true;
    }

    /** Whether this node masters the slot at the epoch it last read. */
    public synchronized boolean masters(int slotId) {
        Held h = held.get(slotId);
        return h != null && h.role() == CopyRole.MASTER;
    }

    /**
     * The slots this node masters as it last read them (id, this node, the replica's node or null, epoch, and whether
     * the replica is in sync as far as this master knows), ascending id.
     */
    public synchronized List<Slot> masteredSlots() {
        List<Slot> out = new ArrayList<>();
        held.forEach((id, h) -> {
            if (h.role() == CopyRole.MASTER) {
                out.add(new Slot(id, nodeName, h.replicaNode(), h.epoch(),
                        h.replicator() != null && h.replicator().inSync()));
            }
        });
        out.sort(java.util.Comparator.comparingInt(Slot::id));
        return out;
    }

    /**
     * Has the replica of a slot this node masters rebuilt from this copy's log ({@link SyncReplicator#resync}): for
     * copies a scrub found diverged. False when this node does not master the slot (any more) or it has no replica.
     */
    public synchronized boolean resyncReplica(int slotId, String reason) {
        Held h = held.get(slotId);
        return h != null && h.role() == CopyRole.MASTER && h.replicator() != null && h.replicator().resync(reason);
    }

    /** Whether the slot's replica is in sync as far as this master knows; false when this node is not its master. */
    public synchronized boolean replicaInSync(int slotId) {
        Held h = held.get(slotId);
        return h != null && h.replicator() != null && h.replicator().inSync();
    }

    /** Where a copy of a slot this node masters stands: its change seq, and how long it has lagged (0: current). */
    public record Position(int slotId, String node, long seq, Duration lag) {}

    /** The positions of both copies of every slot this node masters, for the directory's slot_copies. */
    public synchronized List<Position> positions() {
        List<Position> out = new ArrayList<>();
        held.forEach((id, h) -> {
            if (h.role() == CopyRole.MASTER) {
                out.add(new Position(id, nodeName, stores.slot(id).lastChangeSeq(), Duration.ZERO));
                if (h.replicator() != null && h.replicator().replicaSeq() >= 0) {
                    out.add(new Position(id, h.replicaNode(), h.replicator().replicaSeq(), h.replicator().lag()));
                }
            }
        });
        return out;
    }

    @Override
    public synchronized SlotStore replicaCopy(int slotId, long epoch) throws Refused {
        Held h = held.get(slotId);
        if (h == null || h.role() != CopyRole.REPLICA) {
            refreshQuietly(); // the master may have read a newer map than we have
            h = held.get(slotId);
        }
        if (h == null || h.role() != CopyRole.REPLICA) {
            throw new Refused("node " + nodeName + " does not hold slot " + slotId + " as replica");
        }
        if (epoch < h.epoch()) {
            throw new Refused("slot " + slotId + " is at epoch " + h.epoch() + " here; a master at epoch " + epoch
                    + " is stale");
        }
        if (epoch > h.epoch()) {
            refreshQuietly();
            h = held.get(slotId);
            if (h == null || h.role() != CopyRole.REPLICA || h.epoch() != epoch) {
                throw new Refused("slot " + slotId + " at epoch " + epoch + " is not one this node replicates");
            }
        }
        return stores.slot(slotId);
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            log.warn("node {}: cannot read the slot map: {}", nodeName, e.getMessage());
        }
    }

    private SyncReplicator.SyncRecord syncRecord() {
        return new SyncReplicator.SyncRecord() {
            @Override
            public boolean markOutOfSync(int slotId, long epoch, String reason) {
                return directory.markReplicaInSync(slotId, epoch, false, reason);
            }

            @Override
            public boolean markInSync(int slotId, long epoch) {
                return directory.markReplicaInSync(slotId, epoch, true, null);
            }
        };
    }

    private static void release(Held h) {
        if (h != null && h.replicator() != null) {
            h.replicator().close();
        }
    }

    @Override
    public synchronized void close() {
        for (Held h : held.values()) {
            release(h);
        }
        held.clear();
    }
}
