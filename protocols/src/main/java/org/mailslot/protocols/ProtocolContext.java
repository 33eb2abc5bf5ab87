package org.mailslot.protocols;

import org.mailslot.directory.Directory;
import org.mailslot.protocols.auth.Authenticator;

import java.time.Clock;

/** What every protocol session needs from the rest of the node, passed in one piece. */
public record ProtocolContext(String hostname, Directory directory, SlotAccess slots, Authenticator authenticator, Clock clock) {}
