package org.mailslot.protocols.imap.message;

import org.junit.jupiter.api.Test;
import org.mailslot.protocols.imap.parse.Section;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** A map of the header prefix answers HEADER, HEADER.FIELDS(.NOT) and where TEXT starts as the whole message does. */
class HeaderPrefixTest {
    private static final List<Section> SECTIONS = List.of(FetchRendererTest.section("HEADER"),
            FetchRendererTest.section("HEADER.FIELDS (Subject From)"), FetchRendererTest.section("HEADER.FIELDS.NOT (To)"));

    private final FetchRenderer renderer = new FetchRenderer(MessageSettings.defaults());

    @Test
    void stopsAfterTheFirstBlankLine() throws IOException {
        assertThat(prefix("A: 1\r\nB: 2\r\n\r\nbody\r\n\r\nmore", new Random(1)))
                .isEqualTo("A: 1\r\nB: 2\r\n\r\n");
        assertThat(prefix("A: 1\nB: 2\n\nbody", new Random(1))).isEqualTo("A: 1\nB: 2\n\n");
        assertThat(prefix("\r\nbody", new Random(1))).isEqualTo("\r\n");
        assertThat(prefix("A: 1\r\r\nB: 2", new Random(1))).isEqualTo("A: 1\r\r\nB: 2");
        assertThat(prefix("A: 1\r\n \r\n\r\nx", new Random(1))).isEqualTo("A: 1\r\n \r\n\r\n");
        assertThat(prefix("", new Random(1))).isEmpty();
    }

    @Test
    void sectionsAgreeWithTheWholeMessageOnDamagedHeaders() throws IOException {
        Random r = new Random(11);
        String alphabet = "\r\n: \tab-";
        for (int n = 0; n < 2000; n++) {
            StringBuilder sb = new StringBuilder();
            for (int i = r.nextInt(6); i > 0; i--) {
                sb.append(List.of("From", "To", "Subject", "X-A").get(r.nextInt(4))).append(": v").append(i);
                sb.append(r.nextInt(4) == 0 ? "\r\n folded" : "").append(r.nextBoolean() ? "\r\n" : "\n");
            }
            sb.append(r.nextInt(5) == 0 ? "" : "\r\n").append("body line\r\n\r\nSubject: not a header\r\n");
            byte[] m = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
            for (int i = r.nextInt(3); i > 0; i--) {
                m[r.nextInt(m.length)] = (byte) alphabet.charAt(r.nextInt(alphabet.length()));
            }
            PartMap full = renderer.map(m);
            PartMap prefix = renderer.map(HeaderPrefix.read(new Trickle(m, r)));
            String what = new String(m, StandardCharsets.ISO_8859_1);
            assertThat(prefix.bodyStart()).as(what).isEqualTo(full.bodyStart());
            for (Section s : SECTIONS) {
                assertThat(renderer.section(prefix, s, null)).as(what + " " + s).isEqualTo(renderer.section(full, s, null));
            }
        }
    }

    private static String prefix(String message, Random r) throws IOException {
        return new String(HeaderPrefix.read(new Trickle(message.getBytes(StandardCharsets.ISO_8859_1), r)),
                StandardCharsets.ISO_8859_1);
    }

    /** Hands out a few bytes per read, so lines and CRLFs straddle reads. */
    private static final class Trickle extends InputStream {
        private final ByteArrayInputStream in;
        private final Random r;

        Trickle(byte[] data, Random r) {
            this.in = new ByteArrayInputStream(data);
            this.r = r;
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, Math.min(len, 1 + r.nextInt(5)));
        }
    }
}
