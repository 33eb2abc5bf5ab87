package org.mailslot.store;

import java.time.Instant;
import java.util.Objects;

/**
 * What one attempt did for one recipient of an {@link OutboundEntry}: delivered, failed for good, or still pending
 * and tried again at {@code nextAttemptAt} (null: when the attempt's claim said). {@code status}, {@code diagnostic}
 * and {@code remoteMta} as in {@link OutboundRecipient}.
 */
public record OutboundOutcome(String address, OutboundRecipient.State state, Instant nextAttemptAt, String status,
                              String diagnostic, String remoteMta) {
    public OutboundOutcome {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(state, "state");
    }
}
