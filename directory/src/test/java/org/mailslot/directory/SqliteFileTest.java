package org.mailslot.directory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteFileTest {

    @Test
    void createsTheFolderAndAnOwnerOnlyFile(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("data/dir/directory.db");
        DirectorySettings defaults = DirectorySettings.sqlite(file);
        var settings = new DirectorySettings(defaults.jdbcUrl(), null, null, 2, 1024, 1, 1, "+");
        try (Directory d = Directory.open(settings)) {
            d.addDomain("example.test");
        }
        assertThat(file).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (Directory d = Directory.open(settings)) {
            assertThat(d.isHostedDomain("example.test")).isTrue();
        }
    }
}
