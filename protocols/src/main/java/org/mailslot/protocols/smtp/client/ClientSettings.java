package org.mailslot.protocols.smtp.client;

import java.time.Duration;

/**
 * The client's limits. Postfix's smtp client is the model: time limits per step, and a bound on every reply so that
 * a broken or hostile server cannot make the client hang or hold unbounded memory.
 *
 * @param connectTimeout     time to establish the TCP connection (default 30s, Postfix smtp_connect_timeout)
 * @param commandTimeout     time to wait for the greeting and for the reply to each command (default 5m, RFC 5321
 *                           4.5.3.2 asks for at least 5 minutes for most replies)
 * @param dataTimeout        time for the whole DATA transfer and the reply(ies) after the final dot (default 10m,
 *                           RFC 5321 4.5.3.2.6)
 * @param maxReplyLineLength longest reply line accepted, in octets without CRLF (default 2048; RFC 5321 allows 512)
 * @param maxReplyLines      most lines in one reply (default 200)
 */
public record ClientSettings(Duration connectTimeout, Duration commandTimeout, Duration dataTimeout,
                             int maxReplyLineLength, int maxReplyLines) {

    public ClientSettings {
        positive("connectTimeout", connectTimeout);
        positive("commandTimeout", commandTimeout);
        positive("dataTimeout", dataTimeout);
        if (maxReplyLineLength < 64 || maxReplyLineLength > 1 << 20) {
            throw new IllegalArgumentException("maxReplyLineLength must be within 64..1048576, got " + maxReplyLineLength);
        }
        if (maxReplyLines < 1 || maxReplyLines > 100_000) {
            throw new IllegalArgumentException("maxReplyLines must be within 1..100000, got " + maxReplyLines);
        }
    }

    public static ClientSettings defaults() {
        return new ClientSettings(Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMinutes(10), 2048, 200);
    }

    /** A copy with other time limits (handy for tests and for the transport's settings). */
    public ClientSettings withTimeouts(Duration connect, Duration command, Duration data) {
        return new ClientSettings(connect, command, data, maxReplyLineLength, maxReplyLines);
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be positive and below 24 days, got " + d);
        }
    }
}
