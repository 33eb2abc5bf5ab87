package org.mailslot.protocols.imap;

/** The one check before dispatch: is the command allowed in the session's state? Returns the refusal, or null. */
final class CommandGate {
    private CommandGate() {}

    static String refusal(CommandSpec spec, ImapState state) {
        if (spec.allowedIn(state)) {
            return null;
        }
        return switch (state) {
            case NOT_AUTHENTICATED -> "Not logged in";
            case AUTHENTICATED -> spec.allowedIn(ImapState.SELECTED) ? "No mailbox selected" : "Already logged in";
            case SELECTED -> "Already logged in";
            case LOGOUT -> "Logging out";
        };
    }
}
