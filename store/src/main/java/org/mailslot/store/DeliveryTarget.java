package org.mailslot.store;

/** One recipient account of a delivery; {@code quotaBytes} 0 means unlimited. */
public record DeliveryTarget(long accountId, long quotaBytes) {}
