package org.mailslot.directory;

import java.time.Instant;

/** An operator's request that a slot's master scrub it (compare its two copies and mend damaged bodies). */
public record ScrubRequest(int slot, Instant requestedAt) {}
