package org.mailslot.server;

import org.mailslot.directory.Account;
import org.mailslot.protocols.SlotAccess;
import org.mailslot.protocols.SlotUnavailableException;
import org.mailslot.store.SlotStore;
import org.mailslot.store.SlotStores;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One node that masters every slot (this single-server setup). The first time it serves an account it
 * makes sure the account's mailboxes exist in its slot, so accounts added by {@code mailslot admin} while the
 * node runs need no extra step.
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
        if (!prepared.contains(account.id())) {
            store.createAccount(account.id());
            prepared.add(account.id());
        }
        return store;
    }
}
