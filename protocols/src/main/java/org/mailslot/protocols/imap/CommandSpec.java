package org.mailslot.protocols.imap;

import java.util.Set;

/**
 * One row of the command table: the name (for metrics and logs, a fixed string, never client input), the states
 * the command is allowed in and its flags.
 */
public record CommandSpec(String name, Set<ImapState> states, Set<CommandFlag> flags) {
    public CommandSpec {
        states = Set.copyOf(states);
        flags = Set.copyOf(flags);
    }

    public boolean allowedIn(ImapState state) {
        return states.contains(state);
    }

    public boolean has(CommandFlag flag) {
        return flags.contains(flag);
    }
}
