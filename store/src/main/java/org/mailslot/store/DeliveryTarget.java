package org.mailslot.store;

/**
 * One recipient account of a delivery; {@code quotaBytes} 0 means unlimited. {@code mailbox}: the special-use
 * mailbox the message goes into, INBOX or, for mail the MX judged spam, JUNK; an account without a mailbox of
 * that use gets it in its INBOX.
 */
public record DeliveryTarget(long accountId, long quotaBytes, SpecialUse mailbox) {
    public DeliveryTarget {
        if (mailbox == null || mailbox == SpecialUse.NONE) {
            throw new IllegalArgumentException("a delivery goes into a special-use mailbox, not " + mailbox);
        }
    }

    /** Into the INBOX. */
    public DeliveryTarget(long accountId, long quotaBytes) {
        this(accountId, quotaBytes, SpecialUse.INBOX);
    }
}
