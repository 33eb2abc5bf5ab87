package org.mailslot.protocols.smtp;

import org.junit.jupiter.api.Test;
import org.mailslot.core.config.ConfigException;
import org.mailslot.core.config.ConfigNode;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmtpSettingsTest {
    @Test
    void defaults() {
        SmtpSettings mx = SmtpSettings.defaults(SmtpMode.MX);
        assertThat(mx.messageSizeLimit()).isEqualTo(50L << 20);
        assertThat(mx.recipientLimit()).isEqualTo(100);
        assertThat(mx.maxBadCommands()).isEqualTo(20);
        assertThat(mx.dataTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(mx.net().lineLengthLimit()).isEqualTo(2048);
        assertThat(mx.net().idleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(mx.hostname()).isNull();
        assertThat(mx.saveToSent()).isFalse();
        assertThat(SmtpSettings.defaults(SmtpMode.LMTP).recipientLimit()).isEqualTo(1000);
        assertThat(SmtpSettings.defaults(SmtpMode.SUBMISSION).saveToSent()).isTrue();
    }

    @Test
    void badValuesNameTheKey() {
        ConfigNode root = ConfigNode.parse("smtp:\n  message-size-limit: 10\n");
        assertThatThrownBy(() -> SmtpSettings.from(root.section("smtp"), SmtpMode.MX))
                .isInstanceOf(ConfigException.class).hasMessageContaining("smtp.message-size-limit");
        ConfigNode other = ConfigNode.parse("lmtp:\n  data-timeout: forever\n");
        assertThatThrownBy(() -> SmtpSettings.from(other.section("lmtp"), SmtpMode.LMTP))
                .isInstanceOf(ConfigException.class).hasMessageContaining("lmtp.data-timeout");
    }

    @Test
    void everyKeyIsRead() {
        ConfigNode root = ConfigNode.parse("");
        SmtpSettings.from(root.section("submission"), SmtpMode.SUBMISSION);
        assertThat(root.keysRead()).extracting(k -> k.toString()).isNotEmpty();
        assertThat(root.keysRead().stream().map(Object::toString).toList().toString())
                .contains("submission.message-size-limit", "submission.recipient-limit", "submission.max-bad-commands",
                        "submission.data-timeout", "submission.hostname", "submission.spool-dir",
                        "submission.spool-memory-limit", "submission.save-to-sent", "submission.line-length-limit");
    }
}
