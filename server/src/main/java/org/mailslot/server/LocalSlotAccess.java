package org.mailslot.server;

import org.mailslot.directory.Account;
import org.mailslot.protocols.SlotAccess;
import org.mailslot.protocols.SlotUnavailableException;
import org.mailslot.store.CopyRole;
import org.mailslot.store.SlotStore;
import org.mailslot.store.SlotStores;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The slot copies this node masters. A client of a slot whose copy here is a replica (or fenced) is refused with
 * the reason, so it reconnects where the master is. The first time it serves an account it makes sure the
 * account's mailboxes exist in its slot, so accounts added by {@code mailslot admin} while the node runs need no
 * extra step.
 */
final class LocalSlotAccess implements SlotAccess {
    private final SlotStores stores;
    private final Set<Long> prepared = ConcurrentHashMap.newKeySet();

    LocalSlotAccess(SlotStores stores) {
        this.stores = stores;
    }

    @Override
    public SlotStore storeFor(Account account) {
        SlotStore store;
        try {
            store = stores.slot(account.slotId());
        } catch (RuntimeException e) {
            throw new SlotUnavailableException(account.slotId(), e.getMessage());
        }
        if (store.role() != CopyRole.MASTER) {
            throw new SlotUnavailableException(account.slotId(), "this node holds "
                    + (store.role() == CopyRole.REPLICA ? "its replica" : "a fenced copy")
                    + "; the slot's master is another node");
        }
        if (!prepared.contains(account.id())) {
            store.createAccount(account.id());
            prepared.add(account.id());
        }
        return store;
    }
}
