package org.mailslot.core.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigNodeTest {

    @Test
    void readsValuesWithUnitsAndDefaults() {
        ConfigNode root = ConfigNode.parse("""
                smtp:
                  message-size-limit: 10M
                  idle-timeout: 5m
                  recipient-limit: 50
                  enabled: false
                  names: [a, b]
                """);
        ConfigNode smtp = root.section("smtp");
        assertThat(smtp.bytes("message-size-limit", 1, 1, Long.MAX_VALUE)).isEqualTo(10L << 20);
        assertThat(smtp.duration("idle-timeout", Duration.ZERO, Duration.ZERO, Duration.ofDays(1))).isEqualTo(Duration.ofMinutes(5));
        assertThat(smtp.integer("recipient-limit", 100, 1, 1000)).isEqualTo(50);
        assertThat(smtp.bool("enabled", true)).isFalse();
        assertThat(smtp.strings("names", List.of())).containsExactly("a", "b");
        assertThat(smtp.string("greeting", "hello")).isEqualTo("hello");
        assertThat(root.section("pop3").integer("x", 7, 0, 10)).isEqualTo(7);
        root.rejectUnknownKeys();
    }

    @Test
    void namesTheKeyOfABadValue() {
        ConfigNode smtp = ConfigNode.parse("smtp:\n  recipient-limit: 0\n  size: 10X\n  timeout: soon\n  on: maybe\n").section("smtp");
        assertThatThrownBy(() -> smtp.integer("recipient-limit", 100, 1, 1000))
                .isInstanceOf(ConfigException.class).hasMessage("smtp.recipient-limit: must be between 1 and 1000, got '0'");
        assertThatThrownBy(() -> smtp.bytes("size", 1, 0, Long.MAX_VALUE)).hasMessageStartingWith("smtp.size: unknown size unit 'X'");
        assertThatThrownBy(() -> smtp.duration("timeout", Duration.ZERO, Duration.ZERO, Duration.ofDays(1)))
                .hasMessageStartingWith("smtp.timeout: must be a duration");
        assertThatThrownBy(() -> smtp.bool("on", true)).hasMessageStartingWith("smtp.on: must be true or false");
    }

    @Test
    void rejectsUnknownKeysByFullName() {
        ConfigNode root = ConfigNode.parse("smtp:\n  recipient-limit: 5\n  recipent-limit: 6\nsmpt:\n  x: 1\n");
        root.section("smtp").integer("recipient-limit", 100, 1, 1000);
        assertThatThrownBy(root::rejectUnknownKeys).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("smtp.recipent-limit: unknown setting")
                .hasMessageContaining("also unknown: smpt");
    }

    @Test
    void rejectsChoicesOutsideTheSetAndNonMappings() {
        ConfigNode root = ConfigNode.parse("auth:\n  plaintext: sometimes\nsmtp: 5\n");
        assertThatThrownBy(() -> root.section("auth").choice("plaintext", "never", Set.of("never", "always")))
                .hasMessage("auth.plaintext: must be one of [always, never], got 'sometimes'");
        assertThatThrownBy(() -> root.section("smtp")).hasMessageStartingWith("smtp: must be a section");
        assertThatThrownBy(() -> ConfigNode.parse("- a\n- b\n")).hasMessageContaining("must be a YAML mapping");
        assertThatThrownBy(() -> ConfigNode.parse("a: [unclosed\n")).hasMessageStartingWith("(file): not valid YAML");
    }

    @Test
    void remembersEveryKeyWithDefaultAndBounds() {
        ConfigNode empty = ConfigNode.empty();
        empty.section("pop3").duration("idle-timeout", Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofHours(2));
        assertThat(empty.keysRead()).containsExactly(new ConfigKey("pop3.idle-timeout", "duration", "10m", "1s..2h"));
    }
}
