package org.mailslot.store;

import java.util.List;

/**
 * Called by a master copy's writer after each group commit and before any caller is answered (DESIGN.md section 5,
 * invariant 1). It returns normally only when the records are durable on the replica, or when the replica has been
 * recorded out of sync in the directory so that it cannot be promoted without them. It throws to fail the callers
 * (the records stay committed here and are shipped later); a {@link StoreException} with reason NOT_MASTER also
 * fences this copy (the replica knows a newer master).
 */
@FunctionalInterface
public interface CommitShipper {
    void shipped(List<ChangeRecord> committed);
}
