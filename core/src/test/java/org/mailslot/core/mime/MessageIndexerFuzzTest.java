package org.mailslot.core.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Random and mutated inputs: indexing never throws and always yields a balanced structure. */
class MessageIndexerFuzzTest {
    private static final int ROUNDS = 3_000;
    private static final List<String> SAMPLES = List.of(
            "From: a@b\r\nTo: \"x\" <c@d>, g: e@f;\r\nSubject: s\r\n\r\nbody\r\n",
            "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n"
                    + "--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: in\r\nContent-Type: multipart/alternative;"
                    + " boundary=c\r\n\r\n--c\r\n\r\ny\r\n--c--\r\n--b--\r\n",
            "Content-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\nFrom: x@y\r\n\r\nz\r\n--d--\r\n");

    private final MessageIndexer indexer = new MessageIndexer(8);

    @Test
    void randomBytesNeverThrow() {
        Random random = new Random(42);
        for (int i = 0; i < ROUNDS; i++) {
            byte[] bytes = new byte[random.nextInt(400)];
            random.nextBytes(bytes);
            check(indexer.index(bytes));
        }
    }

    @Test
    void mutatedSamplesNeverThrow() {
        Random random = new Random(7);
        byte[] alphabet = "\r\n:;=\"<>()@,-/\\ \tb-boundary--abc\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < ROUNDS; i++) {
            byte[] bytes = SAMPLES.get(i % SAMPLES.size()).getBytes(StandardCharsets.ISO_8859_1);
            int mutations = 1 + random.nextInt(8);
            for (int m = 0; m < mutations; m++) {
                int at = random.nextInt(bytes.length);
                switch (random.nextInt(3)) {
                    case 0 -> bytes[at] = alphabet[random.nextInt(alphabet.length)];
                    case 1 -> bytes[at] = (byte) random.nextInt(256);
                    default -> bytes = java.util.Arrays.copyOf(bytes, at); // truncate
                }
                if (bytes.length == 0) {
                    break;
                }
            }
            check(indexer.index(bytes));
        }
    }

    private static void check(MessageIndex m) {
        for (String s : List.of(m.envelope(), m.body(), m.bodyStructure())) {
            assertThat(s).startsWith("(").endsWith(")");
        }
    }
}
