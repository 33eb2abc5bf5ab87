package org.mailslot.protocols.delivery;

import org.mailslot.directory.Account;
import org.mailslot.protocols.ProtocolContext;
import org.mailslot.store.MessageContent;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The {@link Outbox} of a store node: {@code SlotStore.submit} on the master copy of the user's slot, the message to
 * be tried for {@code lifetime} from now; then {@code queued} runs (the queue runner's wake-up, so the first attempt
 * does not wait for the next scan).
 */
public final class StoreOutbox implements Outbox {
    private final ProtocolContext ctx;
    private final Duration lifetime;
    private final boolean saveToSent;
    private final Runnable queued;

    /**
     * @param lifetime   {@code queue.lifetime}: how long the message is retried before it is returned to its sender
     * @param saveToSent {@code submission.save-to-sent}: whether a copy goes to the user's Sent mailbox
     */
    public StoreOutbox(ProtocolContext ctx, Duration lifetime, boolean saveToSent, Runnable queued) {
        this.ctx = Objects.requireNonNull(ctx, "ctx");
        this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
        this.saveToSent = saveToSent;
        this.queued = Objects.requireNonNull(queued, "queued");
    }

    @Override
    public Queued submit(Account user, String sender, List<String> recipients, MessageContent content, Instant date) {
        long id = ctx.slots().storeFor(user).submit(user.id(), sender, recipients, content, date,
                ctx.clock().instant().plus(lifetime), user.quotaBytes(), saveToSent);
        queued.run();
        return new Queued(user.slotId(), id);
    }
}
