package org.mailslot.protocols.delivery;

import org.mailslot.directory.Account;
import org.mailslot.store.MessageContent;

import java.time.Instant;
import java.util.List;

/**
 * Where submission hands a message for delivery (DESIGN.md section 6): into the outbound queue of the sender's slot,
 * together with its copy in the sender's Sent mailbox, in one transaction that is on both copies of the slot before
 * this returns. Every recipient, hosted or remote, goes through the queue; the slot master's queue runner delivers.
 */
public interface Outbox {

    /**
     * Queues {@code content} from {@code sender} (the envelope sender, "" for the null sender) for {@code recipients}
     * on behalf of {@code user}. Throws {@link org.mailslot.protocols.SlotUnavailableException} when this node cannot
     * write the user's slot now, and {@link org.mailslot.store.StoreException} with OVER_QUOTA (the Sent copy does not
     * fit the user's quota: nothing was queued), INVALID (a broken address) or IO / NOT_MASTER (try again later).
     */
    Queued submit(Account user, String sender, List<String> recipients, MessageContent content, Instant date);

    /** A queued message: its id in the slot's queue, shown as {@code slot.id} (e.g. in "250 2.0.0 queued as 3.17"). */
    record Queued(int slotId, long queueId) {
        @Override
        public String toString() {
            return slotId + "." + queueId;
        }
    }
}
