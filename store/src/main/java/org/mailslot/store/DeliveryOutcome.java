package org.mailslot.store;

/** What happened to one {@link DeliveryTarget}. */
public sealed interface DeliveryOutcome {
    record Delivered(long accountId, long mailboxId, long uidValidity, long uid) implements DeliveryOutcome {}

    record OverQuota(long accountId, long usedBytes, long quotaBytes) implements DeliveryOutcome {}
}
