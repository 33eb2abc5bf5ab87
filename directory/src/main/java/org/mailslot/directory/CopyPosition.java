package org.mailslot.directory;

import java.time.Instant;

/**
 * How far one node's copy of a slot has applied the slot's change log, as the node last reported it:
 * {@code appliedSeq} is the last change applied, {@code lagMs} how far behind its master it was then.
 */
public record CopyPosition(int slot, String node, long appliedSeq, long lagMs, Instant updated) {}
