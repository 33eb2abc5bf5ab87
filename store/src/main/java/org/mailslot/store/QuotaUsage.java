package org.mailslot.store;

/** Bytes and count of an account's visible messages in this slot (expunged ones are not counted). */
public record QuotaUsage(long accountId, long bytes, long messages) {}
