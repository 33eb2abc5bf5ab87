package org.mailslot.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.mailslot.directory.Directory;
import org.mailslot.directory.Node;
import org.mailslot.directory.NodeRole;
import org.mailslot.directory.NodeState;
import org.mailslot.directory.Slot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automatic failover (DESIGN.md section 5, "Failover modes"): every store node runs one; the one holding the
 * directory lease {@value #LEASE} acts. A store node whose heartbeat is older than {@code failoverAfter} is marked
 * down and each slot it masters is promoted on its replica — through the same promotion transaction as
 * {@code admin slot failover}, and only when that replica is in sync and its own node alive. An out-of-sync replica
 * is never promoted automatically (that may lose acknowledged writes: an operator decides with --force); it is
 * recorded once as a "failover-blocked" event. A down node whose heartbeat comes back is marked active again: it
 * already rejoins its slots as replica by itself.
 *
 * <p>Safety does not rest on this timing: a master that is only slow is fenced by the epoch (its replica, now
 * master, refuses its changes), and one with an out-of-sync replica stops acknowledging after cluster.lease.
 * Heartbeats are compared with this node's clock, so the nodes' clocks must agree within a fraction of
 * {@code failoverAfter} (NTP). Only a node this manager has seen beating can be found dead: a whole cluster starting
 * again finds every heartbeat old, and a node that has not started yet is not a failed one.
 */
public final class ClusterManager {
    private static final Logger log = LoggerFactory.getLogger(ClusterManager.class);
    public static final String LEASE = "cluster-manager";

    private final String nodeName;
    private final Directory directory;
    private final Duration failoverAfter;
    private final Duration leaseTime;
    private final Clock clock;
    private final Set<Integer> blockedReported = new HashSet<>();
    /** Nodes this manager saw beating: only those can be found dead (a cold start finds old heartbeats). */
    private final Set<String> seenAlive = new HashSet<>();
    private boolean leading;

    /**
     * @param failoverAfter how long a store node may miss heartbeats before its masters are promoted elsewhere
     * @param leaseTime     how long the manager's lease lasts without renewal (a few ticks)
     */
    public ClusterManager(String nodeName, Directory directory, Duration failoverAfter, Duration leaseTime,
                          Clock clock) {
        this.nodeName = nodeName;
        this.directory = directory;
        this.failoverAfter = failoverAfter;
        this.leaseTime = leaseTime;
        this.clock = clock;
    }

    /** One round: take or renew the lease, and if this node leads, fail over dead store nodes. Returns promotions. */
    public synchronized List<Slot> tick() {
        // followers watch too: a manager that takes over from one that died must know who was alive before
        Instant now = clock.instant();
        List<Node> listed = directory.listNodes();
        for (Node n : listed) {
            if (n.lastHeartbeat() != null && Duration.between(n.lastHeartbeat(), now).compareTo(failoverAfter) <= 0) {
                seenAlive.add(n.name());
            }
        }
        if (!directory.acquireLease(LEASE, nodeName, leaseTime)) {
            if (leading) {
                log.info("node {}: no longer the cluster manager", nodeName);
                leading = false;
            }
            return List.of();
        }
        if (!leading) {
            log.info("node {}: now the cluster manager (automatic failover after {} without heartbeats)", nodeName,
                    failoverAfter);
            leading = true;
        }
        Map<String, Node> nodes = new HashMap<>();
        Set<String> alive = new HashSet<>();
        for (Node n : listed) {
            if (!n.roles().contains(NodeRole.STORE)) {
                continue;
            }
            nodes.put(n.name(), n);
            if (n.lastHeartbeat() != null && Duration.between(n.lastHeartbeat(), now).compareTo(failoverAfter) <= 0) {
                alive.add(n.name());
                if (n.state() == NodeState.DOWN) {
                    directory.setNodeState(n.name(), NodeState.ACTIVE);
                    log.info("node {} sends heartbeats again: active (it rejoins its slots as replica)", n.name());
                }
            }
        }
        List<Slot> promoted = new ArrayList<>();
        for (Slot s : directory.listSlots()) {
            Node master = nodes.get(s.masterNode());
            if (master == null || alive.contains(master.name()) || !seenAlive.contains(master.name())) {
                blockedReported.remove(s.id());
                continue;
            }
            if (s.replicaNode() == null || !alive.contains(s.replicaNode()) || !s.inSync()) {
                if (blockedReported.add(s.id())) {
                    String why = s.replicaNode() == null ? "it has no replica"
                            : !alive.contains(s.replicaNode()) ? "its replica's node " + s.replicaNode() + " is down too"
                            : "its replica on " + s.replicaNode() + " is out of sync (promote with --force to accept the loss)";
                    log.error("slot {}: master {} is down but {}: not failed over automatically", s.id(),
                            master.name(), why);
                    directory.recordSlotEvent(s.id(), "failover-blocked", "master " + master.name() + " missed"
                            + " heartbeats but " + why);
                }
                continue;
            }
            try {
                Slot p = directory.promoteReplica(s.id(), s.epoch(), false, false, "automatic: " + master.name()
                        + " sent no heartbeat for " + Duration.between(master.lastHeartbeat(), now).toMillis() + " ms");
                promoted.add(p);
                log.warn("slot {}: master {} missed heartbeats; promoted {} at epoch {}", s.id(), master.name(),
                        p.masterNode(), p.epoch());
            } catch (RuntimeException e) {
                log.warn("slot {}: automatic failover refused: {}", s.id(), e.getMessage());
            }
        }
        Set<String> masters = new HashSet<>();
        directory.listSlots().forEach(s -> masters.add(s.masterNode())); // after this round's promotions
        for (Node n : nodes.values()) {
            if (!alive.contains(n.name()) && seenAlive.contains(n.name()) && n.state() != NodeState.DOWN
                    && !masters.contains(n.name())) {
                directory.setNodeState(n.name(), NodeState.DOWN);
                log.warn("node {}: no heartbeat for more than {}; marked down", n.name(), failoverAfter);
            }
        }
        return promoted;
    }
}
