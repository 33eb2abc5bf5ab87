package org.mailslot.directory;

import java.util.Locale;

/** A node's state as the operator and failover set it. Stored lower-case in {@code nodes.state}. */
public enum NodeState {
    /** Serves the slots it masters. */
    ACTIVE,
    /** The operator moved its masters away; it may still hold replicas. */
    DRAINED,
    /** Failed over or switched off: its masters were promoted elsewhere. */
    DOWN;

    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    static NodeState fromText(String text) {
        return valueOf(text.toUpperCase(Locale.ROOT));
    }
}
