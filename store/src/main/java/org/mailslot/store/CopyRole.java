package org.mailslot.store;

/**
 * What a slot copy on this node does (DESIGN.md section 5). A single-node install keeps every copy MASTER.
 * FENCED: a copy that was master but must not take writes any more (its lease ran out, or its replica knows a
 * higher epoch); it waits for the node to learn its new role from the directory.
 */
public enum CopyRole {
    MASTER, REPLICA, FENCED;

    String describe() {
        return switch (this) {
            case MASTER -> "the master";
            case REPLICA -> "a replica";
            case FENCED -> "fenced (no longer master at the current epoch)";
        };
    }
}
