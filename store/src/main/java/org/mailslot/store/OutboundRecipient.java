package org.mailslot.store;

import java.time.Instant;

/**
 * One recipient of an {@link OutboundEntry}: its state, how many attempts were made for it, when it is tried next
 * (meaningful while pending), and what the last attempt learnt: {@code status} the enhanced status code (RFC 3463,
 * e.g. "4.4.1"), {@code diagnostic} the reply or the local reason, {@code remoteMta} the host that answered; each
 * null when unknown.
 */
public record OutboundRecipient(String address, State state, int attempts, Instant nextAttemptAt, String status,
                                String diagnostic, String remoteMta) {

    /** Pending recipients are retried; delivered and failed ones are final. */
    public enum State {
        PENDING, DELIVERED, FAILED;

        int code() {
            return ordinal();
        }

        static State of(int code) {
            return values()[code];
        }
    }
}
