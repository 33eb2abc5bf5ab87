package org.mailslot.protocols;

import org.mailslot.directory.Account;
import org.mailslot.store.SlotStore;

/** Finds the copy of an account's slot that this node may read and write: its master. */
public interface SlotAccess {

    /** The master copy of the account's slot, or {@link SlotUnavailableException} when this node can't serve it now. */
    SlotStore storeFor(Account account);
}
