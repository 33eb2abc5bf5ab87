package org.mailslot.store;

import java.time.Instant;
import java.util.List;

/**
 * A submitted message in the slot's outbound queue: sent by account {@code accountId} with SMTP envelope sender
 * {@code sender} ("" for the null sender), its body stored under {@code blobHash} ({@code size} octets), queued at
 * {@code createdAt} and tried until {@code expiresAt}. {@code delayNoticeSent}: the sender has been told that it is
 * delayed. An entry leaves the queue once no recipient is pending.
 */
public record OutboundEntry(long id, long accountId, String sender, String blobHash, long size, Instant createdAt,
                            Instant expiresAt, boolean delayNoticeSent, List<OutboundRecipient> recipients) {
    public OutboundEntry {
        recipients = List.copyOf(recipients);
    }

    /** The recipients still to be delivered, in address order. */
    public List<OutboundRecipient> pending() {
        return recipients.stream().filter(r -> r.state() == OutboundRecipient.State.PENDING).toList();
    }
}
