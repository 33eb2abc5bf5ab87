package org.mailslot.directory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Spreads the slots over the store nodes the first time a deployment becomes a cluster (and again when
 * slots per pair grow): gives replicas to slots that have none and creates slots, never moving a copy.
 */
final class ClusterSetup {

    static final String REPLICA_ADDED = "replica-added";

    private final Database db;
    private final Clock clock;

    ClusterSetup(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    ClusterInit init(int slotsPerPair, SlotLayout layout) {
        if (slotsPerPair < 1 || slotsPerPair > SlotMap.MAX_SLOTS) {
            throw DirectoryException.invalid("slots per pair must be between 1 and " + SlotMap.MAX_SLOTS
                    + ", was " + slotsPerPair);
        }
        long now = clock.millis();
        return db.write(c -> {
            List<String> stores = Nodes.storeNames(c);
            if (stores.size() < 2) {
                throw DirectoryException.invalid("a cluster needs at least 2 store nodes, the directory has "
                        + stores.size() + (stores.isEmpty() ? "" : " (" + String.join(", ", stores) + ")")
                        + "; add them first with 'mailslot admin node add NAME --address HOST --roles store'");
            }
            long wanted = (long) stores.size() * (stores.size() - 1) * slotsPerPair;
            if (wanted > SlotMap.MAX_SLOTS) {
                throw DirectoryException.invalid(slotsPerPair + " slots per ordered pair of " + stores.size()
                        + " store nodes makes " + wanted + " slots, more than the " + SlotMap.MAX_SLOTS
                        + " one deployment may have");
            }
            List<Slot> existing = SlotMap.list(c);
            List<SlotPlacement> planned;
            try {
                planned = layout.extend(stores, existing, slotsPerPair);
            } catch (IllegalArgumentException e) {
                throw DirectoryException.invalid(e.getMessage());
            }
            return apply(c, now, slotsPerPair, Set.copyOf(stores), existing, planned);
        });
    }

    private static ClusterInit apply(Connection c, long now, int slotsPerPair, Set<String> stores, List<Slot> existing,
                                     List<SlotPlacement> planned) throws SQLException {
        Map<Integer, Slot> byId = new HashMap<>();
        existing.forEach(s -> byId.put(s.id(), s));
        Set<Integer> seen = new HashSet<>();
        List<SlotPlacement> replicasAdded = new ArrayList<>();
        List<SlotPlacement> slotsAdded = new ArrayList<>();
        try (var addReplica = c.prepareStatement("UPDATE slots SET replica_node = ?, in_sync = ? WHERE id = ?"
                + " AND master_node = ? AND replica_node IS NULL");
             var addSlot = c.prepareStatement("INSERT INTO slots (id, master_node, replica_node, epoch, in_sync)"
                     + " VALUES (?, ?, ?, 1, ?)")) {
            for (SlotPlacement p : planned) {
                if (!seen.add(p.slot()) || p.replica() == null || p.master().equals(p.replica())
                        || !stores.contains(p.master()) || !stores.contains(p.replica())) {
                    throw broken(p);
                }
                Slot old = byId.get(p.slot());
                if (old != null) {
                    if (old.replicaNode() != null || !old.masterNode().equals(p.master())) {
                        throw broken(p);
                    }
                    // The new replica has none of the slot's data yet: it must not be promoted until it caught up.
                    addReplica.setString(1, p.replica());
                    addReplica.setBoolean(2, false);
                    addReplica.setInt(3, p.slot());
                    addReplica.setString(4, p.master());
                    addReplica.executeUpdate();
                    SlotEvents.insert(c, p.slot(), now, REPLICA_ADDED, "cluster init placed the replica on "
                            + p.replica() + "; it is out of sync until it has copied the slot from " + p.master());
                    replicasAdded.add(p);
                } else {
                    if (p.slot() < 1 || p.slot() > SlotMap.MAX_SLOTS) {
                        throw broken(p);
                    }
                    // A new slot is empty on both nodes, so its copies agree from the start.
                    addSlot.setInt(1, p.slot());
                    addSlot.setString(2, p.master());
                    addSlot.setString(3, p.replica());
                    addSlot.setBoolean(4, true);
                    addSlot.addBatch();
                    slotsAdded.add(p);
                }
            }
            addSlot.executeBatch();
        }
        return new ClusterInit(slotsPerPair, replicasAdded, slotsAdded);
    }

    private static IllegalStateException broken(SlotPlacement p) {
        return new IllegalStateException("the slot layout may only add replicas to slots without one and new slots"
                + " on distinct store nodes, but proposed " + p);
    }
}
