package org.mailslot.server;

import org.junit.jupiter.api.Test;
import org.mailslot.core.config.ConfigException;
import org.mailslot.core.config.ConfigKey;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every setting the code reads is documented, and bad configuration names its key. */
class ConfigurationDocsTest {

    @Test
    void everyKeyIsInDocsConfigurationMd() throws Exception {
        Path docs = Path.of("..", "docs", "configuration.md");
        String text = Files.readString(docs);
        List<ConfigKey> keys = ConfigCommand.allKeys();
        assertThat(keys).hasSizeGreaterThan(30);
        List<String> missing = keys.stream().map(ConfigKey::key).filter(k -> !text.contains("`" + k + "`")).toList();
        assertThat(missing).as("keys missing from docs/configuration.md").isEmpty();
    }

    @Test
    void unknownKeysAndBadValuesFailNamingTheKey(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("mailslot.yaml");
        Files.writeString(file, "smtp:\n  recipient-limitt: 5\n");
        assertThatThrownBy(() -> NodeConfig.load(file)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("smtp.recipient-limitt: unknown setting");
        Files.writeString(file, "pop3:\n  listen: nowhere\n");
        assertThatThrownBy(() -> NodeConfig.load(file)).hasMessageStartingWith("pop3.listen: must be host:port");
        Files.writeString(file, "pop3:\n  listen-tls: 127.0.0.1:995\n");
        assertThatThrownBy(() -> NodeConfig.load(file)).hasMessageStartingWith("pop3.listen-tls: implicit TLS needs");
        Files.writeString(file, "directory:\n  url: jdbc:mysql://x\n");
        assertThatThrownBy(() -> NodeConfig.load(file)).hasMessageStartingWith("directory.url: must be");
        Files.writeString(file, "auth:\n  plaintext: yes-please\n");
        assertThatThrownBy(() -> NodeConfig.load(file)).hasMessageStartingWith("auth.plaintext: must be one of");
        Files.writeString(file, "imap:\n  idle-timeout: 5m\n");
        assertThatThrownBy(() -> NodeConfig.load(file)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("imap.idle-timeout: must be at least 30 minutes");
        int code = Main.commandLine().execute("config", "check", "--config", file.toString());
        assertThat(code).isEqualTo(ExitCode.CONFIG);
    }
}
