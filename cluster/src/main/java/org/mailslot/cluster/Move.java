package org.mailslot.cluster;

import org.mailslot.directory.SlotPlacement;

/** One step of a rebalance plan; {@link RebalancePlanner} lists them in the order they are to run. */
public sealed interface Move {

    int slot();

    /** The slot's master and replica after this step, given where they were before it. */
    SlotPlacement applyTo(SlotPlacement before);

    /** Which copy of a slot a {@link CopyMove} moves. */
    enum Role { MASTER, REPLICA }

    /**
     * The replica becomes master and the master replica (a planned switchover, epoch + 1). Cheap: no data
     * moves, and it takes a moment when the replica is in sync.
     */
    record RoleSwap(int slot, String newMaster, String newReplica) implements Move {
        @Override
        public SlotPlacement applyTo(SlotPlacement before) {
            if (before.slot() != slot || !before.master().equals(newReplica) || !newMaster.equals(before.replica())) {
                throw new IllegalStateException(this + " does not fit " + before);
            }
            return new SlotPlacement(slot, newMaster, newReplica);
        }
    }

    /**
     * The copy on {@code from} is rebuilt on {@code to}, keeping its role (copy the slot, catch up, then
     * switch). Expensive: the whole slot crosses the network.
     */
    record CopyMove(int slot, String from, String to, Role role) implements Move {
        @Override
        public SlotPlacement applyTo(SlotPlacement before) {
            String holder = role == Role.MASTER ? before.master() : before.replica();
            String other = role == Role.MASTER ? before.replica() : before.master();
            if (before.slot() != slot || !from.equals(holder) || to.equals(other) || to.equals(from)) {
                throw new IllegalStateException(this + " does not fit " + before);
            }
            return role == Role.MASTER ? new SlotPlacement(slot, to, other) : new SlotPlacement(slot, other, to);
        }
    }
}
