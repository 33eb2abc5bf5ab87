package org.mailslot.protocols.pop3;

import org.junit.jupiter.api.Test;
import org.mailslot.core.config.ConfigException;
import org.mailslot.core.config.ConfigKey;
import org.mailslot.core.config.ConfigNode;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Pop3SettingsTest {

    @Test
    void defaultsFollowTheRfcs() {
        ConfigNode root = ConfigNode.empty();
        Pop3Settings s = Pop3Settings.from(root.section("pop3"));
        assertThat(s).isEqualTo(Pop3Settings.defaults());
        assertThat(s.net().idleTimeout()).isEqualTo(Duration.ofMinutes(10)); // RFC 1939 section 3: at least 10 minutes
        assertThat(s.net().lineLengthLimit()).isGreaterThanOrEqualTo(512); // RFC 2449: 255-octet arguments
        assertThat(root.keysRead()).extracting(ConfigKey::key).contains("pop3.line-length-limit", "pop3.idle-timeout",
                "pop3.command-timeout", "pop3.max-connections", "pop3.max-connections-per-address",
                "pop3.max-auth-failures", "pop3.max-bad-commands", "pop3.max-messages", "pop3.mark-seen");
    }

    @Test
    void readsValuesAndRejectsOutOfBounds() {
        Pop3Settings s = Pop3Settings.from(ConfigNode.parse("""
                pop3:
                  idle-timeout: 30m
                  max-bad-commands: 3
                  max-messages: 500
                  mark-seen: false
                """).section("pop3"));
        assertThat(s.net().idleTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(s.maxBadCommands()).isEqualTo(3);
        assertThat(s.maxMessages()).isEqualTo(500);
        assertThat(s.markSeen()).isFalse();
        assertThatThrownBy(() -> Pop3Settings.from(ConfigNode.parse("pop3:\n  max-bad-commands: 0\n").section("pop3")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("pop3.max-bad-commands");
        assertThatThrownBy(() -> Pop3Settings.from(ConfigNode.parse("pop3:\n  max-messages: -1\n").section("pop3")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("pop3.max-messages");
    }
}
