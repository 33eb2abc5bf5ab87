package org.mailslot.server.control;

import org.mailslot.store.CopyRole;
import org.mailslot.store.QuotaUsage;
import org.mailslot.store.SlotStore;
import org.mailslot.store.SlotStores;
import org.mailslot.store.StoreException;
import org.mailslot.store.VerifyReport;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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

    /** Only master copies: a replica holds the same entries, and its master is the one that delivers them. */
    @Override
    public List<QueuedMessage> queue() {
        List<QueuedMessage> out = new ArrayList<>();
        for (int id : stores.openSlotIds()) {
            SlotStore store = stores.slot(id);
            if (store.role() == CopyRole.MASTER) {
                store.dueOutbound(Instant.ofEpochMilli(Long.MAX_VALUE), QUEUE_LIMIT)
                        .forEach(e -> out.add(new QueuedMessage(id, e)));
            }
        }
        return out;
    }

    @Override
    public int flushQueue() {
        int moved = 0;
        for (int id : stores.openSlotIds()) {
            SlotStore store = stores.slot(id);
            if (store.role() == CopyRole.MASTER) {
                moved += store.flushOutbound(Instant.now());
            }
        }
        return moved;
    }

    @Override
    public void deleteQueued(int slot, long queueId) {
        if (!stores.openSlotIds().contains(slot) || stores.slot(slot).role() != CopyRole.MASTER) {
            throw new StoreException(StoreException.Reason.NOT_FOUND, "slot " + slot
                    + " is not mastered by this node: run the command on its master");
        }
        if (!stores.slot(slot).deleteOutbound(queueId)) {
            throw new StoreException(StoreException.Reason.NOT_FOUND, "no queue entry " + slot + "." + queueId);
        }
    }

    /** At most this many entries per slot are listed. */
    static final int QUEUE_LIMIT = 10_000;

    @Override
    public void close() {
        if (owned) {
            stores.close();
        }
    }
}
