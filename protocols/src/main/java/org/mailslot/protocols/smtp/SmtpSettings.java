package org.mailslot.protocols.smtp;

import org.mailslot.core.config.ConfigNode;
import org.mailslot.core.net.NetSettings;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The limits of one SMTP, submission or LMTP listener, read from its configuration section ({@code smtp},
 * {@code submission}, {@code lmtp}). Each key is listed here with its default and bounds.
 *
 * @param net              the common listener limits ({@link NetSettings}); SMTP defaults: line-length-limit 2048
 *                         (Postfix's line_length_limit), idle-timeout 5m, command-timeout 5m, max-connections 500,
 *                         max-connections-per-address 50, max-auth-failures 5
 * @param messageSizeLimit {@code message-size-limit}: largest message accepted, in octets, as advertised by SIZE;
 *                         larger ones get 552 5.3.4. Default 50M, bounds 1K..2G
 * @param recipientLimit   {@code recipient-limit}: recipients per message; more get 452 4.5.3. Default 100 (MX and
 *                         submission) or 1000 (LMTP, where the MTA in front already split), bounds 1..100000
 * @param maxBadCommands   {@code max-bad-commands}: refused commands (syntax, sequence, unknown users) before the
 *                         session is closed with 421; reset by each delivered message. Default 20, bounds 1..1000
 * @param dataTimeout      {@code data-timeout}: total time one DATA transfer or one BDAT chunk may take, however
 *                         the bytes trickle in. Default 10m, bounds 1s..2h
 * @param hostname         {@code hostname}: the name in the greeting and Received headers; default: the node's
 *                         hostname
 * @param spoolDir         {@code spool-dir}: where messages larger than spool-memory-limit wait during the
 *                         transaction (deleted when it ends). Default: java.io.tmpdir
 * @param spoolMemoryLimit {@code spool-memory-limit}: messages up to this size are held in memory. Default 1M,
 *                         bounds 0..64M
 * @param saveToSent       {@code save-to-sent} (submission only): put a copy of each submitted message in the
 *                         sender's Sent mailbox, flagged \Seen. Default true
 */
public record SmtpSettings(NetSettings net, long messageSizeLimit, int recipientLimit, int maxBadCommands,
                           Duration dataTimeout, String hostname, Path spoolDir, long spoolMemoryLimit,
                           boolean saveToSent) {

    static final NetSettings NET_DEFAULTS = new NetSettings(2048, Duration.ofMinutes(5), Duration.ofMinutes(5), 500, 50, 5);

    public SmtpSettings {
        if (spoolMemoryLimit > messageSizeLimit) {
            spoolMemoryLimit = messageSizeLimit;
        }
    }

    /** Reads the keys of {@code section}; {@code hostname} falls back to null (the caller's node name). */
    public static SmtpSettings from(ConfigNode section, SmtpMode mode) {
        NetSettings net = NetSettings.from(section, NET_DEFAULTS);
        long size = section.bytes("message-size-limit", 50L << 20, 1L << 10, 2L << 30);
        int recipients = section.integer("recipient-limit", mode == SmtpMode.LMTP ? 1000 : 100, 1, 100_000);
        int bad = section.integer("max-bad-commands", 20, 1, 1000);
        Duration data = section.duration("data-timeout", Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofHours(2));
        String hostname = section.string("hostname", null);
        Path spool = section.path("spool-dir", Path.of(System.getProperty("java.io.tmpdir")));
        long memory = section.bytes("spool-memory-limit", 1L << 20, 0, 64L << 20);
        boolean sent = mode == SmtpMode.SUBMISSION && section.bool("save-to-sent", true);
        return new SmtpSettings(net, size, recipients, bad, data, hostname == null || hostname.isBlank() ? null : hostname,
                spool, memory, sent);
    }

    /** All defaults for {@code mode}. */
    public static SmtpSettings defaults(SmtpMode mode) {
        return from(ConfigNode.empty(), mode);
    }
}
