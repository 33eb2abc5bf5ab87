package org.mailslot.core.net;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectionTest {
    private static final NetSettings SETTINGS = new NetSettings(16, Duration.ofSeconds(5), Duration.ofSeconds(5), 10, 10, 3);

    private Socket client;
    private Connection server;

    private Connection connect(NetSettings settings) throws IOException {
        try (ServerSocket ss = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            client = new Socket(ss.getInetAddress(), ss.getLocalPort());
            Socket accepted = ss.accept();
            server = new Connection("t-1", accepted, settings, null, new ProtocolMetrics(new SimpleMeterRegistry(), "test"));
            return server;
        }
    }

    @AfterEach
    void close() throws IOException {
        if (server != null) server.close();
        if (client != null) client.close();
    }

    private void send(String s) throws IOException {
        OutputStream out = client.getOutputStream();
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Test
    void splitsLinesAndTellsHowTheyEnded() throws IOException {
        Connection c = connect(SETTINGS);
        send("HELO a\r\nbare\nmid\rcr\r\n");
        assertThat(c.readLine()).satisfies(l -> {
            assertThat(l.text()).isEqualTo("HELO a");
            assertThat(l.ending()).isEqualTo(Line.Ending.CRLF);
        });
        assertThat(c.readLine()).satisfies(l -> {
            assertThat(l.text()).isEqualTo("bare");
            assertThat(l.ending()).isEqualTo(Line.Ending.LF);
        });
        assertThat(c.readLine().text()).isEqualTo("mid\rcr");
        client.shutdownOutput();
        assertThat(c.readLine()).isNull();
    }

    @Test
    void longLinesComeInPiecesOfTheLimit() throws IOException {
        Connection c = connect(SETTINGS);
        send("0123456789abcdefXYZ\r\n0123456789abcdef\r\n");
        Line first = c.readLine();
        assertThat(first.text()).isEqualTo("0123456789abcdef");
        assertThat(first.ending()).isEqualTo(Line.Ending.NONE);
        assertThat(c.readLine().text()).isEqualTo("XYZ");
        Line exact = c.readLine();
        assertThat(exact.text()).isEqualTo("0123456789abcdef");
        assertThat(exact.ending()).isEqualTo(Line.Ending.CRLF);
    }

    @Test
    void skipsTheRestOfAnOverlongLine() throws IOException {
        Connection c = connect(SETTINGS);
        send("x".repeat(100_000) + "\r\nNEXT\r\n");
        assertThat(c.readLine().ending()).isEqualTo(Line.Ending.NONE);
        assertThat(c.skipLine()).isTrue();
        assertThat(c.readLine().text()).isEqualTo("NEXT");
    }

    @Test
    void partialLineAtEndOfStream() throws IOException {
        Connection c = connect(SETTINGS);
        send("QUI");
        client.shutdownOutput();
        Line l = c.readLine();
        assertThat(l.text()).isEqualTo("QUI");
        assertThat(l.ending()).isEqualTo(Line.Ending.EOF);
        assertThat(c.readLine()).isNull();
    }

    @Test
    void readsExactByteCounts() throws IOException {
        Connection c = connect(SETTINGS);
        send("LINE\r\n0123456789REST\r\n");
        c.readLine();
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        c.readExact(10, sink);
        assertThat(sink.toString(StandardCharsets.US_ASCII)).isEqualTo("0123456789");
        assertThat(c.readLine().text()).isEqualTo("REST");
        client.shutdownOutput();
        assertThatThrownBy(() -> c.readExact(5, sink)).isInstanceOf(java.io.EOFException.class);
    }

    @Test
    void idleClientTimesOut() throws IOException {
        Connection c = connect(new NetSettings(64, Duration.ofMillis(200), Duration.ofSeconds(5), 10, 10, 3));
        assertThatThrownBy(c::readLine).isInstanceOf(java.net.SocketTimeoutException.class)
                .isNotInstanceOf(CommandTimeoutException.class);
    }

    @Test
    void tricklingClientHitsTheCommandTimeout() throws Exception {
        Connection c = connect(new NetSettings(1024, Duration.ofSeconds(2), Duration.ofMillis(600), 10, 10, 3));
        Thread sender = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < 20; i++) {
                    send("a");
                    Thread.sleep(100);
                }
            } catch (Exception ignored) {
                // the server closed on us: expected
            }
        });
        assertThatThrownBy(c::readLine).isInstanceOf(CommandTimeoutException.class);
        sender.join();
    }

    @Test
    void pipelinedInputIsVisible() throws IOException {
        Connection c = connect(SETTINGS);
        send("A\r\nB\r\n");
        c.readLine();
        assertThat(c.hasBufferedInput()).isTrue();
        c.readLine();
        assertThat(c.hasBufferedInput()).isFalse();
    }

    @Test
    void wrappedStreamsCarryLaterTrafficAndRefusePendingInput() throws IOException {
        Connection c = connect(SETTINGS);
        send("A\r\nB\r\n");
        c.readLine();
        assertThatThrownBy(() -> c.wrapStreams(in -> in, out -> out)).isInstanceOf(IllegalStateException.class);
        c.readLine();
        c.writeLine("before");
        // a layer that shifts every byte by one in both directions
        c.wrapStreams(in -> new java.io.FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                for (int i = off; i < off + Math.max(n, 0); i++) b[i]--;
                return n;
            }
        }, out -> new java.io.FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                out.write(b + 1);
            }
        });
        c.writeLine("x");
        c.flush();
        send("D\u000e\u000b");
        assertThat(c.readLine().text()).isEqualTo("C");
        byte[] got = client.getInputStream().readNBytes(8 + 3);
        assertThat(new String(got, StandardCharsets.ISO_8859_1)).isEqualTo("before\r\ny\u000e\u000b");
    }
}
