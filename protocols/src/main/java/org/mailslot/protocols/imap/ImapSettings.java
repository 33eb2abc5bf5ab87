package org.mailslot.protocols.imap;

import org.mailslot.core.config.ConfigNode;
import org.mailslot.core.net.NetSettings;
import org.mailslot.protocols.imap.message.MessageSettings;
import org.mailslot.protocols.imap.parse.CommandParser;
import org.mailslot.protocols.imap.parse.ReaderLimits;

import java.time.Duration;

/**
 * The IMAP listener's settings, read from the {@code imap} section. The connection limits are the shared
 * {@link NetSettings} keys with IMAP defaults; the rest are IMAP's own.
 *
 * @param net               line length (64 KiB: long UID sets), idle timeout once authenticated (30 minutes: RFC
 *                          9051 5.4 asks for at least that), command timeout, connection and auth-failure limits
 * @param loginTimeout      {@code imap.login-timeout}: how long a client that has not logged in may stay silent
 *                          (default 60 s, 5 s .. the idle timeout): the pre-auth tier, as Dovecot's imap-login
 * @param maxLiteralSize    {@code imap.max-literal-size}: largest literal, advertised as APPENDLIMIT (default 50 MiB)
 * @param maxCommandSize    {@code imap.max-command-size}: largest whole command, literals included (default 100 MiB)
 * @param maxNesting        {@code imap.max-nesting}: deepest parenthesis nesting of SEARCH keys (default 64, 1..1000)
 * @param sessionsPerAccount {@code imap.sessions-per-account}: logged-in sessions of one account at once on this
 *                          node (default 20, 1..10000); the next LOGIN gets NO [LIMIT]
 * @param maxBadCommands    {@code imap.max-bad-commands}: BAD answers after which the session ends with BYE
 *                          (default 20, 1..1000)
 * @param idleKeepalive     {@code imap.idle-keepalive}: how often an idling client gets "* OK Still here" so NAT
 *                          boxes keep the connection (default 2 minutes, 10 s .. 30 minutes)
 * @param message           MIME limits of FETCH and SEARCH (see {@link MessageSettings})
 */
public record ImapSettings(NetSettings net, Duration loginTimeout, long maxLiteralSize, long maxCommandSize,
                           int maxNesting, int sessionsPerAccount, int maxBadCommands, Duration idleKeepalive,
                           MessageSettings message) {

    public static final NetSettings NET_DEFAULTS = new NetSettings(ReaderLimits.DEFAULT_MAX_LINE_LENGTH,
            Duration.ofMinutes(30), Duration.ofMinutes(5), 5000, 100, 3);
    public static final Duration DEFAULT_LOGIN_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_SESSIONS_PER_ACCOUNT = 20;
    public static final int DEFAULT_MAX_BAD_COMMANDS = 20;
    public static final Duration DEFAULT_IDLE_KEEPALIVE = Duration.ofMinutes(2);

    public ImapSettings {
        if (net.lineLengthLimit() < 1024) {
            throw new IllegalArgumentException("imap.line-length-limit must be at least 1024 octets");
        }
        if (loginTimeout.isNegative() || loginTimeout.isZero() || loginTimeout.compareTo(net.idleTimeout()) > 0) {
            throw new IllegalArgumentException("imap.login-timeout must be positive and at most imap.idle-timeout");
        }
        if (maxLiteralSize < 0 || maxLiteralSize > maxCommandSize) {
            throw new IllegalArgumentException("imap.max-literal-size must be 0..imap.max-command-size");
        }
        if (sessionsPerAccount < 1) {
            throw new IllegalArgumentException("imap.sessions-per-account must be at least 1");
        }
        if (maxBadCommands < 1) {
            throw new IllegalArgumentException("imap.max-bad-commands must be at least 1");
        }
        // ReaderLimits and CommandParser check their own bounds and name the keys
        readerLimits(net.lineLengthLimit(), maxLiteralSize, maxCommandSize);
        new CommandParser(maxNesting);
    }

    public static ImapSettings defaults() {
        return new ImapSettings(NET_DEFAULTS, DEFAULT_LOGIN_TIMEOUT, ReaderLimits.DEFAULT_MAX_LITERAL_SIZE,
                ReaderLimits.DEFAULT_MAX_COMMAND_SIZE, CommandParser.DEFAULT_MAX_DEPTH, DEFAULT_SESSIONS_PER_ACCOUNT,
                DEFAULT_MAX_BAD_COMMANDS, DEFAULT_IDLE_KEEPALIVE, MessageSettings.defaults());
    }

    public static ImapSettings from(ConfigNode section) {
        NetSettings net = NetSettings.from(section, NET_DEFAULTS);
        if (net.idleTimeout().compareTo(Duration.ofMinutes(30)) < 0) {
            throw new IllegalArgumentException("imap.idle-timeout must be at least 30 minutes (RFC 9051 section 5.4)");
        }
        return new ImapSettings(net,
                section.duration("login-timeout", DEFAULT_LOGIN_TIMEOUT, Duration.ofSeconds(5), net.idleTimeout()),
                section.bytes("max-literal-size", ReaderLimits.DEFAULT_MAX_LITERAL_SIZE, 0, Integer.MAX_VALUE - 8),
                section.bytes("max-command-size", ReaderLimits.DEFAULT_MAX_COMMAND_SIZE, 1024, 4L << 30),
                section.integer("max-nesting", CommandParser.DEFAULT_MAX_DEPTH, 1, 1000),
                section.integer("sessions-per-account", DEFAULT_SESSIONS_PER_ACCOUNT, 1, 10_000),
                section.integer("max-bad-commands", DEFAULT_MAX_BAD_COMMANDS, 1, 1000),
                section.duration("idle-keepalive", DEFAULT_IDLE_KEEPALIVE, Duration.ofSeconds(10), Duration.ofMinutes(30)),
                new MessageSettings(
                        section.integer("mime-max-nesting", MessageSettings.DEFAULT_MAX_NESTING, 1, 100),
                        section.integer("search-header-bytes", MessageSettings.DEFAULT_MAX_HEADER_BYTES, 1024, 16 << 20)));
    }

    ReaderLimits readerLimits() {
        return readerLimits(net.lineLengthLimit(), maxLiteralSize, maxCommandSize);
    }

    private static ReaderLimits readerLimits(int line, long literal, long command) {
        return new ReaderLimits(line, literal, command, false);
    }
}
