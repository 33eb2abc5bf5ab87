package org.mailslot.protocols.outbound;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class OriginalHeadersTest {
    static String read(String message) throws IOException {
        return new String(OriginalHeaders.read(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8))),
                StandardCharsets.UTF_8);
    }

    @Test
    void theHeaderSectionEndsAtTheBlankLineWithCrlfLineEnds() throws IOException {
        assertThat(read("Subject: a\r\nTo: b\r\n\r\nbody\r\n")).isEqualTo("Subject: a\r\nTo: b\r\n");
        assertThat(read("Subject: a\nX: y\n\nbody\n")).isEqualTo("Subject: a\r\nX: y\r\n");
        assertThat(read("Subject: only headers")).isEqualTo("Subject: only headers\r\n");
        assertThat(read("\r\nbody")).isEmpty();
    }

    @Test
    void aHugeHeaderSectionIsCutAtALineBoundary() throws IOException {
        String line = "Received: " + "x".repeat(990) + "\r\n";
        String cut = read(line.repeat(200) + "\r\nbody");
        assertThat(cut.length()).isLessThanOrEqualTo(OriginalHeaders.MAX_BYTES).isGreaterThan(60_000);
        assertThat(cut).endsWith("x\r\n").startsWith("Received: ");
        assertThat(read("Subject: " + "y".repeat(100_000) + "\r\n\r\n")).isEmpty();
    }
}
