package org.mailslot.store;

/** Named points in a write where a durability test may inject a crash (by throwing). */
interface FaultHook {
    FaultHook NONE = point -> { };

    void at(FaultInjectingSlotStore.FaultPoint point);
}
