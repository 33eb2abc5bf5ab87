package org.mailslot.protocols.pop3;

import org.mailslot.core.config.ConfigNode;
import org.mailslot.core.net.NetSettings;

import java.time.Duration;

/**
 * The POP3 listener's settings, read from the {@code pop3} section. The connection limits are the shared
 * {@link NetSettings} keys with POP3 defaults; the rest are POP3's own.
 *
 * @param net            line length (1024: RFC 2449 allows 255-octet arguments, and AUTH lines are longer), idle
 *                       timeout (10 minutes, the minimum RFC 1939 allows), connection and auth-failure limits
 * @param maxBadCommands unknown, malformed or out-of-state commands after which a session is closed
 * @param maxMessages    most messages a session shows (the oldest of INBOX); 0 shows them all
 * @param markSeen       whether retrieving a message with RETR sets its {@code \Seen} flag (applied once, when the
 *                       session ends), so that IMAP clients of the same account see it as read
 */
public record Pop3Settings(NetSettings net, int maxBadCommands, int maxMessages, boolean markSeen) {

    public static final NetSettings NET_DEFAULTS = new NetSettings(1024, Duration.ofMinutes(10), Duration.ofMinutes(1),
            5000, 50, 3);
    public static final int DEFAULT_MAX_BAD_COMMANDS = 10;

    public Pop3Settings {
        if (maxBadCommands < 1) {
            throw new IllegalArgumentException("pop3.max-bad-commands must be at least 1");
        }
        if (maxMessages < 0) {
            throw new IllegalArgumentException("pop3.max-messages must not be negative");
        }
    }

    public static Pop3Settings defaults() {
        return new Pop3Settings(NET_DEFAULTS, DEFAULT_MAX_BAD_COMMANDS, 0, true);
    }

    public static Pop3Settings from(ConfigNode section) {
        return new Pop3Settings(
                NetSettings.from(section, NET_DEFAULTS),
                section.integer("max-bad-commands", DEFAULT_MAX_BAD_COMMANDS, 1, 1000),
                section.integer("max-messages", 0, 0, 10_000_000),
                section.bool("mark-seen", true));
    }
}
