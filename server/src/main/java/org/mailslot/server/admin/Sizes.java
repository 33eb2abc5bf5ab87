package org.mailslot.server.admin;

import org.mailslot.core.config.ConfigException;
import org.mailslot.core.config.ConfigNode;
import org.mailslot.server.UsageException;

import java.time.Duration;

/** Parses sizes ("1G", "500M", "0" = unlimited) and durations ("7d") given on the command line. */
final class Sizes {
    private Sizes() {
    }

    static long parseSize(String option, String value) {
        try {
            return ConfigNode.parse("v: \"" + value.replace("\"", "") + "\"").bytes("v", 0, 0, Long.MAX_VALUE);
        } catch (ConfigException e) {
            throw new UsageException(option + " must be a size like 0 (unlimited), 500M or 2G, got '" + value + "'");
        }
    }

    static Duration parseDuration(String option, String value) {
        try {
            return ConfigNode.parse("v: \"" + value.replace("\"", "") + "\"").duration("v", Duration.ZERO, Duration.ZERO, Duration.ofDays(36500));
        } catch (ConfigException e) {
            throw new UsageException(option + " must be a duration like 2h or 7d, got '" + value + "'");
        }
    }
}
