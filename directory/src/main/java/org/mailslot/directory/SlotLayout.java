package org.mailslot.directory;

import java.util.List;

/**
 * Decides where slots go when {@link Directory#initCluster} spreads a deployment over its store nodes. The
 * directory cannot know the placement rules (they live in the cluster module, which depends on the
 * directory), so the caller passes them in; the directory runs them inside its write transaction and checks
 * that they only added.
 */
@FunctionalInterface
public interface SlotLayout {

    /**
     * The replicas to give to existing slots that have none, and the new slots to create, so that the slots
     * spread as the layout wants over {@code storeNodes} (sorted, at least two). Existing masters and
     * replicas must stay where they are.
     *
     * @throws IllegalArgumentException with a message for the operator when that is impossible without
     *         moving a copy
     */
    List<SlotPlacement> extend(List<String> storeNodes, List<Slot> existing, int slotsPerPair);
}
