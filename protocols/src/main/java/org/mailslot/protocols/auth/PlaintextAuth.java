package org.mailslot.protocols.auth;

import org.mailslot.core.net.Connection;

import java.util.Set;

/**
 * Whether a password may be sent on a connection that is not encrypted. TLS connections always may; otherwise
 * {@code NEVER} (the default), {@code LOOPBACK} (clients on 127.0.0.0/8 or ::1 only: the demo and tests) or
 * {@code ALWAYS} (a trusted network; not recommended).
 */
public enum PlaintextAuth {
    NEVER, LOOPBACK, ALWAYS;

    public static final Set<String> NAMES = Set.of("never", "loopback", "always");

    public static PlaintextAuth of(String name) {
        return valueOf(name.toUpperCase());
    }

    public boolean allows(Connection c) {
        return c.isSecure() || this == ALWAYS || (this == LOOPBACK && c.remote().getAddress().isLoopbackAddress());
    }
}
