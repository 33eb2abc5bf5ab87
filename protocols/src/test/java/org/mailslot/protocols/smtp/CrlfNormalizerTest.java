package org.mailslot.protocols.smtp;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class CrlfNormalizerTest {
    @Test
    void bareLfBecomesCrlfAcrossChunks() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CrlfNormalizer n = new CrlfNormalizer(out)) {
            n.write("a\r".getBytes(StandardCharsets.US_ASCII));
            n.write("\nb\n".getBytes(StandardCharsets.US_ASCII));
            n.write('\n');
            n.write("c\rd\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("a\r\nb\r\n\r\nc\rd\r\n");
    }
}
