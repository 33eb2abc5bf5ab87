package org.mailslot.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class HeaderCaptureTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The end rule of IMAP's header reader (MessageHeaders.headerBytes), written out plainly, without a cap. */
    private static byte[] reference(byte[] m) {
        for (int i = 1; i < m.length; i++) {
            if (m[i] == '\n' && (m[i - 1] == '\n' || (i >= 2 && m[i - 1] == '\r' && m[i - 2] == '\n'))) {
                return Arrays.copyOf(m, i + 1);
            }
        }
        return m;
    }

    @Test
    void endsAtTheFirstBlankLine() {
        assertThat(HeaderCapture.of(bytes("A: b\r\n c\r\n\r\nbody\r\n\r\nx"))).isEqualTo(bytes("A: b\r\n c\r\n\r\n"));
        assertThat(HeaderCapture.of(bytes("A: b\n\nbody\n"))).isEqualTo(bytes("A: b\n\n"));
        assertThat(HeaderCapture.of(bytes("A: b\n\r\nbody"))).isEqualTo(bytes("A: b\n\r\n"));
        assertThat(HeaderCapture.of(bytes("A: b\r\nno blank line"))).isEqualTo(bytes("A: b\r\nno blank line"));
        assertThat(HeaderCapture.of(bytes("\n\nbody"))).isEqualTo(bytes("\n\n"));
        // a blank first line is not seen, as the IMAP reader does not see it: the next one ends the header
        assertThat(HeaderCapture.of(bytes("\r\nA: b\r\n\r\nbody"))).isEqualTo(bytes("\r\nA: b\r\n\r\n"));
        assertThat(HeaderCapture.of(new byte[0])).isEmpty();
    }

    @Test
    void aHeaderOverTheCapIsNotKept() {
        byte[] exact = new byte[HeaderCapture.MAX_BYTES];
        Arrays.fill(exact, (byte) 'a');
        exact[exact.length - 2] = '\n';
        exact[exact.length - 1] = '\n';
        assertThat(HeaderCapture.of(exact)).isEqualTo(exact);
        byte[] over = Arrays.copyOf(exact, exact.length + 1);
        over[exact.length - 1] = 'a';
        over[exact.length] = '\n';
        assertThat(HeaderCapture.of(over)).isNull();
        byte[] whole = new byte[HeaderCapture.MAX_BYTES];
        Arrays.fill(whole, (byte) 'a');
        assertThat(HeaderCapture.of(whole)).isEqualTo(whole); // no blank line, within the cap: the whole message
        assertThat(HeaderCapture.of(Arrays.copyOf(whole, whole.length + 1))).isNull();
    }

    /** Whatever the chunks the body arrives in, the result is the reference rule's. */
    @Test
    void chunkingNeverChangesTheResult() {
        Random random = new Random(42);
        byte[] alphabet = bytes("ab:\r\n \t");
        for (int round = 0; round < 2000; round++) {
            byte[] m = new byte[random.nextInt(40)];
            for (int i = 0; i < m.length; i++) {
                m[i] = alphabet[random.nextInt(alphabet.length)];
            }
            HeaderCapture h = new HeaderCapture();
            for (int off = 0; off < m.length; ) {
                int n = Math.min(m.length - off, 1 + random.nextInt(5));
                h.update(m, off, n);
                off += n;
            }
            assertThat(h.header()).as(new String(m, StandardCharsets.ISO_8859_1)).isEqualTo(reference(m));
        }
    }
}
