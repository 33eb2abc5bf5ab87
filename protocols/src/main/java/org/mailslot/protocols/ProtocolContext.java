package org.mailslot.protocols;

import org.mailslot.directory.Directory;
import org.mailslot.protocols.auth.Authenticator;

import java.time.Clock;

/**
 * What every protocol session needs from the rest of the node, passed in one piece. {@code handoff} is set on a
 * front only: after login the session is relayed to the slot's master instead of being served here.
 */
public record ProtocolContext(String hostname, Directory directory, SlotAccess slots, Authenticator authenticator,
                              Clock clock, LoginHandoff handoff) {

    /** A store node's context: sessions are served here. */
    public ProtocolContext(String hostname, Directory directory, SlotAccess slots, Authenticator authenticator, Clock clock) {
        this(hostname, directory, slots, authenticator, clock, null);
    }
}
