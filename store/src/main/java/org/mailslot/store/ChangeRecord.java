package org.mailslot.store;

/**
 * One entry of the slot's change log: what replication ships. {@code payload} is UTF-8 JSON holding
 * everything a replica needs to apply the change (blob hashes, never bodies); {@code crc32c} covers it.
 */
public record ChangeRecord(long seq, long epoch, String kind, byte[] payload, int crc32c) {}
