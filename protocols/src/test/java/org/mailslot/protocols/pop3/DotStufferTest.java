package org.mailslot.protocols.pop3;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class DotStufferTest {
    private static final String MESSAGE = "From: a@example.com\r\nSubject: dots\r\n\r\n.one\r\nline two\r\n..three\r\n.\r\nlast\r\n";

    private static String copy(String in, long lines) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DotStuffer.copy(new ByteArrayInputStream(in.getBytes(StandardCharsets.UTF_8)), out, lines);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void stuffsLinesStartingWithADotAndTerminates() throws IOException {
        assertThat(copy(MESSAGE, DotStuffer.ALL)).isEqualTo(
                "From: a@example.com\r\nSubject: dots\r\n\r\n..one\r\nline two\r\n...three\r\n..\r\nlast\r\n.\r\n");
    }

    @Test
    void endsAnUnterminatedLastLineAndNormalisesBareLf() throws IOException {
        assertThat(copy("A: b\n\nbody", DotStuffer.ALL)).isEqualTo("A: b\r\n\r\nbody\r\n.\r\n");
        assertThat(copy("A: b\r\n\r\nbody\r", DotStuffer.ALL)).isEqualTo("A: b\r\n\r\nbody\r\n.\r\n");
        assertThat(copy("", DotStuffer.ALL)).isEqualTo(".\r\n");
    }

    @Test
    void topSendsHeaderBlankLineAndNBodyLines() throws IOException {
        assertThat(copy(MESSAGE, 0)).isEqualTo("From: a@example.com\r\nSubject: dots\r\n\r\n.\r\n");
        assertThat(copy(MESSAGE, 2)).isEqualTo("From: a@example.com\r\nSubject: dots\r\n\r\n..one\r\nline two\r\n.\r\n");
        assertThat(copy(MESSAGE, Long.MAX_VALUE)).isEqualTo(copy(MESSAGE, DotStuffer.ALL));
        assertThat(copy("A: b\r\nC: d\r\n", 3)).isEqualTo("A: b\r\nC: d\r\n.\r\n");
    }

    @Test
    void streamsLargeBodiesAcrossBufferBoundaries() throws IOException {
        StringBuilder b = new StringBuilder("Subject: big\r\n\r\n");
        for (int i = 0; i < 20_000; i++) {
            b.append(i % 3 == 0 ? "." : "").append("line ").append(i).append("\r\n");
        }
        String out = copy(b.toString(), DotStuffer.ALL);
        assertThat(unstuff(out)).isEqualTo(b.toString());
    }

    @Test
    void neverReadsPastTheRequestedLines() throws IOException {
        byte[] head = "A: b\r\n\r\n1\r\n2\r\n".getBytes(StandardCharsets.US_ASCII);
        InputStream endless = new InputStream() {
            int i;

            @Override
            public int read() {
                return i < head.length ? head[i++] : 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int n = Math.min(len, 4);
                for (int k = 0; k < n; k++) {
                    b[off + k] = (byte) read();
                }
                return n;
            }
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DotStuffer.copy(endless, out, 2);
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("A: b\r\n\r\n1\r\n2\r\n.\r\n");
    }

    /** The whole-message fast path must agree with the line-by-line path on any input split at any place. */
    @Test
    void wholeMessagePathMatchesTheLinePathOnRandomInput() throws IOException {
        java.util.Random random = new java.util.Random(42);
        byte[] alphabet = {'a', 'b', '.', '.', '\r', '\n', '\n', ' '};
        for (int round = 0; round < 300; round++) {
            byte[] message = new byte[random.nextInt(round < 200 ? 300 : 200_000)];
            for (int i = 0; i < message.length; i++) {
                message[i] = alphabet[random.nextInt(alphabet.length)];
            }
            ByteArrayOutputStream fast = new ByteArrayOutputStream();
            ByteArrayOutputStream lines = new ByteArrayOutputStream();
            DotStuffer.copy(chunked(message, random), fast, DotStuffer.ALL);
            DotStuffer.copy(chunked(message, random), lines, Long.MAX_VALUE);
            assertThat(fast.toByteArray()).as("round %d", round).isEqualTo(lines.toByteArray());
        }
    }

    /** A stream that hands out the bytes in chunks of random size, so buffer boundaries fall everywhere. */
    private static InputStream chunked(byte[] data, java.util.Random random) {
        return new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1 + random.nextInt(97)));
            }
        };
    }

    static String unstuff(String response) {
        assertThat(response).endsWith("\r\n.\r\n");
        String body = response.substring(0, response.length() - 3);
        return body.replace("\r\n..", "\r\n.").replaceFirst("^\\.\\.", ".");
    }
}
