package org.mailslot.server.control;

import org.mailslot.store.OutboundEntry;
import org.mailslot.store.QuotaUsage;
import org.mailslot.store.VerifyReport;

import java.time.Instant;
import java.util.List;

/**
 * What {@code mailslot admin} does to slot data. A running node owns its slot files (one process per slot), so
 * the CLI asks the node through its control socket; with no node running it opens the files itself. Both
 * paths run {@link LocalSlotAdmin}.
 */
public interface SlotAdmin extends AutoCloseable {
    QuotaUsage usage(int slot, long accountId);

    void deleteAccount(int slot, long accountId);

    int restore(int slot, long accountId, Instant expungedSince);

    VerifyReport verify(int slot);

    /** The outbound queues of the slots mastered here, every entry with a recipient still pending. */
    List<QueuedMessage> queue();

    /** Makes every pending recipient in the queues of the slots mastered here due now; returns how many. */
    int flushQueue();

    /** Removes the entry from the slot's queue, unreported; NOT_FOUND when the slot is not mastered here or has none. */
    void deleteQueued(int slot, long queueId);

    /** One queue entry and the slot whose queue holds it. */
    record QueuedMessage(int slot, OutboundEntry entry) {}

    @Override
    void close();
}
