package org.mailslot.directory;

/** One unit of storage and failover; {@code replicaNode} is null while the slot has no replica. */
public record Slot(int id, String masterNode, String replicaNode, long epoch, boolean inSync) {}
