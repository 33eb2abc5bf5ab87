package org.mailslot.store;

import java.util.List;

/** The result of {@link SlotStore#checkBodies()}: how many distinct bodies were re-hashed, and the damaged ones. */
public record BodyCheck(long checked, List<DamagedBody> damaged) {
    public BodyCheck {
        damaged = List.copyOf(damaged);
    }
}
