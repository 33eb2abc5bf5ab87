package org.mailslot.core.net;

import org.mailslot.core.config.ConfigNode;

import java.time.Duration;

/**
 * The connection limits every line protocol shares. Each protocol reads them from its own section
 * ({@code smtp.line-length-limit}, {@code pop3.idle-timeout}, ...) with defaults that suit it.
 *
 * @param lineLengthLimit  longest command line in bytes, CRLF excluded; longer lines get a protocol error
 * @param idleTimeout      how long a read may wait for the next byte
 * @param commandTimeout   how long one command line may take to arrive once it has started (slow senders)
 * @param maxConnections   connections open at once on this listener
 * @param maxConnectionsPerAddress connections open at once from one client address
 * @param maxAuthFailures  failed authentications after which a session is closed
 */
public record NetSettings(int lineLengthLimit, Duration idleTimeout, Duration commandTimeout, int maxConnections,
                          int maxConnectionsPerAddress, int maxAuthFailures) {

    public static NetSettings from(ConfigNode section, NetSettings defaults) {
        return new NetSettings(
                section.integer("line-length-limit", defaults.lineLengthLimit(), 256, 1 << 20),
                section.duration("idle-timeout", defaults.idleTimeout(), Duration.ofSeconds(1), Duration.ofHours(2)),
                section.duration("command-timeout", defaults.commandTimeout(), Duration.ofSeconds(1), Duration.ofHours(2)),
                section.integer("max-connections", defaults.maxConnections(), 1, 1_000_000),
                section.integer("max-connections-per-address", defaults.maxConnectionsPerAddress(), 1, 1_000_000),
                section.integer("max-auth-failures", defaults.maxAuthFailures(), 1, 100));
    }
}
