package org.mailslot.directory;

import java.util.List;

/** What {@link Directory#initCluster} changed: replicas given to existing slots, and slots created. */
public record ClusterInit(int slotsPerPair, List<SlotPlacement> replicasAdded, List<SlotPlacement> slotsAdded) {

    public ClusterInit {
        replicasAdded = List.copyOf(replicasAdded);
        slotsAdded = List.copyOf(slotsAdded);
    }
}
