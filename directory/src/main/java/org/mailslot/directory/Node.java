package org.mailslot.directory;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * A store, front or monitor server known to the directory; {@code address} is how peers reach it.
 * {@code lastHeartbeat} is null until the node's first heartbeat.
 */
public record Node(String name, String address, Set<NodeRole> roles, NodeState state, Instant lastHeartbeat) {

    public Node {
        roles = roles.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(roles));
    }

    public boolean isStore() {
        return roles.contains(NodeRole.STORE);
    }
}
