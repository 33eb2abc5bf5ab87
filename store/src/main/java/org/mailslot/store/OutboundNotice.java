package org.mailslot.store;

import java.util.Objects;

/**
 * A report to the sender of an {@link OutboundEntry} that goes into the sender's INBOX in the same transaction as the
 * attempt it reports: a delay notice (sent once per entry) or the delivery status notification of an entry that is
 * finishing with failed recipients. Quota does not apply: a sender must learn that mail was not delivered.
 */
public record OutboundNotice(Kind kind, MessageContent content) {
    public enum Kind { DELAY, FAILURE }

    public OutboundNotice {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(content, "content");
    }
}
