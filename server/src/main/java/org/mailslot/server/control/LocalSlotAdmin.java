package org.mailslot.server.control;

import org.mailslot.store.QuotaUsage;
import org.mailslot.store.SlotStores;
import org.mailslot.store.VerifyReport;

import java.time.Instant;

/** Slot administration on slot stores this process has open (the node's own, or the CLI's when no node runs). */
public final class LocalSlotAdmin implements SlotAdmin {
    private final SlotStores stores;
    private final boolean owned;

    /** @param owned whether {@link #close()} closes the stores (the CLI's) or leaves them (the node's) */
    public LocalSlotAdmin(SlotStores stores, boolean owned) {
        this.stores = stores;
        this.owned = owned;
    }

    @Override
    public QuotaUsage usage(int slot, long accountId) {
        return stores.slot(slot).quotaUsage(accountId);
    }

    @Override
    public void deleteAccount(int slot, long accountId) {
        stores.slot(slot).deleteAccount(accountId);
    }

    @Override
    public int restore(int slot, long accountId, Instant expungedSince) {
        return stores.slot(slot).restore(accountId, expungedSince);
    }

    @Override
    public VerifyReport verify(int slot) {
        return stores.slot(slot).verify();
    }

    @Override
    public void close() {
        if (owned) {
            stores.close();
        }
    }
}
