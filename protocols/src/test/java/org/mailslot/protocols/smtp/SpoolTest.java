package org.mailslot.protocols.smtp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.store.MessageContent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpoolTest {
    @TempDir
    Path dir;

    @Test
    void smallMessagesStayInMemory() throws IOException {
        try (Spool s = new Spool(dir, 100, 1000)) {
            s.prologue("H: 1\r\n".getBytes());
            s.body().write("body\r\n".getBytes());
            assertThat(s.onDisk()).isFalse();
            assertThat(s.bodySize()).isEqualTo(6);
            assertThat(read(s.content())).isEqualTo("H: 1\r\nbody\r\n");
        }
    }

    @Test
    void largeMessagesGoToAFileThatIsDeletedAtClose() throws IOException {
        byte[] chunk = "0123456789".repeat(10).getBytes();
        try (Spool s = new Spool(dir, 150, 10_000)) {
            s.prologue("H: 1\r\n".getBytes());
            for (int i = 0; i < 5; i++) {
                s.body().write(chunk);
            }
            assertThat(s.onDisk()).isTrue();
            MessageContent c = s.content();
            assertThat(c.size()).isEqualTo(506);
            assertThat(read(c)).startsWith("H: 1\r\n0123").hasSize(506);
            try (var files = Files.list(dir)) {
                assertThat(files.count()).isEqualTo(1);
            }
        }
        try (var files = Files.list(dir)) {
            assertThat(files.count()).isZero();
        }
    }

    @Test
    void overTheLimitOnlyCounts() throws IOException {
        try (Spool s = new Spool(dir, 10, 100)) {
            for (int i = 0; i < 50; i++) {
                s.body().write("0123456789".getBytes());
            }
            assertThat(s.exceeded()).isTrue();
            assertThat(s.bodySize()).isEqualTo(500);
            assertThatThrownBy(s::content).isInstanceOf(IllegalStateException.class);
        }
        try (var files = Files.list(dir)) {
            assertThat(files.count()).isZero();
        }
    }

    private static String read(MessageContent c) throws IOException {
        try (InputStream in = c.open()) {
            return new String(in.readAllBytes());
        }
    }
}
