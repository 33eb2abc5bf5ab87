package org.mailslot.protocols.imap;

import org.junit.jupiter.api.Test;
import org.mailslot.core.config.ConfigNode;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImapSettingsTest {
    @Test
    void emptySectionGivesTheDefaults() {
        assertThat(ImapSettings.from(ConfigNode.empty())).isEqualTo(ImapSettings.defaults());
        assertThat(ImapSettings.defaults().net().idleTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(ImapSettings.defaults().loginTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void keysAreReadAndCheckedByName() {
        ImapSettings s = ImapSettings.from(ConfigNode.parse("""
                idle-timeout: 45m
                login-timeout: 20s
                max-literal-size: 1048576
                sessions-per-account: 5
                max-bad-commands: 3
                """));
        assertThat(s.net().idleTimeout()).isEqualTo(Duration.ofMinutes(45));
        assertThat(s.loginTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(s.maxLiteralSize()).isEqualTo(1048576);
        assertThat(s.sessionsPerAccount()).isEqualTo(5);
        assertThatThrownBy(() -> ImapSettings.from(ConfigNode.parse("idle-timeout: 5m\n")))
                .hasMessageContaining("imap.idle-timeout");
        assertThatThrownBy(() -> ImapSettings.from(ConfigNode.parse("sessions-per-account: 0\n")))
                .hasMessageContaining("sessions-per-account");
    }
}
