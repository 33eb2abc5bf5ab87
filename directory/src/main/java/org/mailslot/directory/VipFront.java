package org.mailslot.directory;

import java.time.Instant;

/**
 * A node as the VIP manager sees it: whether it has the front role, its state, and the last heartbeat of its VIP
 * agent ({@code heartbeat} null when it never sent one or stopped cleanly).
 */
public record VipFront(String node, boolean front, NodeState state, Instant heartbeat) {
}
