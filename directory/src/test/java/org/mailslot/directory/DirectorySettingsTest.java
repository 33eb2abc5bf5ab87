package org.mailslot.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DirectorySettingsTest {

    @Test
    void hasTheDocumentedDefaults() {
        DirectorySettings s = DirectorySettings.sqlite(Path.of("/var/lib/mailslot/directory.db"));
        assertThat(s).isEqualTo(new DirectorySettings("jdbc:sqlite:/var/lib/mailslot/directory.db", null, null, 4,
                19456, 2, 1, "+"));
        assertThat(DirectorySettings.defaults("jdbc:postgresql://db/mail").poolSize()).isEqualTo(4);
    }

    @Test
    void namesTheBadKey() {
        assertThatThrownBy(() -> new DirectorySettings("jdbc:mysql://x", null, null, 4, 19456, 2, 1, "+"))
                .hasMessageContaining("directory.url");
        assertThatThrownBy(() -> new DirectorySettings("jdbc:sqlite:x", null, null, 0, 19456, 2, 1, "+"))
                .hasMessageContaining("directory.pool-size must be between 1 and 64, was 0");
        assertThatThrownBy(() -> new DirectorySettings("jdbc:sqlite:x", null, null, 4, 10, 2, 1, "+"))
                .hasMessageContaining("directory.argon2.memory-kib");
        assertThatThrownBy(() -> new DirectorySettings("jdbc:sqlite:x", null, null, 4, 19456, 0, 1, "+"))
                .hasMessageContaining("directory.argon2.iterations");
        assertThatThrownBy(() -> new DirectorySettings("jdbc:sqlite:x", null, null, 4, 19456, 2, 17, "+"))
                .hasMessageContaining("directory.argon2.parallelism");
        assertThatThrownBy(() -> new DirectorySettings("jdbc:sqlite:x", null, null, 4, 19456, 2, 1, "@"))
                .hasMessageContaining("directory.recipient-delimiter");
    }

    @Test
    void hidesThePassword() {
        assertThat(new DirectorySettings("jdbc:postgresql://db/mail", "mail", "hunter2", 4, 19456, 2, 1, "+"))
                .asString().doesNotContain("hunter2");
    }

    @Test
    void refusesAnUnreachableDatabase() {
        var settings = new DirectorySettings("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2", "x", null, 1,
                1024, 1, 1, "+");
        assertThatThrownBy(() -> Directory.open(settings))
                .isInstanceOfSatisfying(DirectoryException.class,
                        e -> assertThat(e.reason()).isEqualTo(DirectoryException.Reason.UNAVAILABLE))
                .hasMessageContaining("cannot connect to the directory database");
    }
}
