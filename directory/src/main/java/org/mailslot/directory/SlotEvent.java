package org.mailslot.directory;

import java.time.Instant;

/**
 * Something that happened to a slot (a replica added, a failover, a forced promotion and the writes it may
 * have lost), in the order {@code id} gives. {@code detail} is free text for people, or null.
 */
public record SlotEvent(long id, int slot, Instant at, String kind, String detail) {}
