package org.mailslot.store.replication;

import org.mailslot.store.SlotStore;

/**
 * The receiving node's side: which slot copies it holds as replica, at which epoch. {@link ReplicationServer} asks at
 * OPEN and again before every batch (the epoch may move on while a link is open), from many connections at once: it
 * must be thread-safe and cheap (an in-memory lookup, not a directory query).
 */
@FunctionalInterface
public interface ReplicaSlots {
    /**
     * The replica copy of {@code slotId} that a master at {@code epoch} may write to. Throws {@link Refused} when this
     * node is not the slot's replica, or knows a higher epoch (the sender is a stale master: invariant 2).
     */
    SlotStore replicaCopy(int slotId, long epoch) throws Refused;

    /** Why a link was refused; the text goes to the master's log. */
    final class Refused extends Exception {
        public Refused(String reason) {
            super(reason);
        }
    }
}
