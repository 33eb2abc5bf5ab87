package org.mailslot.core.net;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LineServerTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();

    /** A tiny protocol: "+READY", then echoes lines; "BOOM" throws; "TLS" upgrades. */
    static final class Echo implements SessionHandler {
        @Override
        public void serve(Connection c) throws IOException {
            c.writeLine("+READY");
            c.flush();
            Line line;
            while ((line = c.readLine()) != null) {
                switch (line.text()) {
                    case "BOOM" -> throw new IllegalStateException("secret internal detail");
                    case "FLOOD" -> {
                        byte[] chunk = new byte[64 * 1024];
                        java.util.Arrays.fill(chunk, (byte) 'x');
                        for (int i = 0; i < 4096; i++) { // 256 MiB: far more than any socket buffer
                            c.write(chunk, 0, chunk.length);
                        }
                    }
                    case "TLS" -> {
                        c.writeLine("+GO");
                        c.flush();
                        c.startTls();
                    }
                    case "QUIT" -> {
                        c.writeLine("+BYE");
                        return;
                    }
                    default -> c.writeLine((c.isSecure() ? "+SECURE " : "+ECHO ") + line.text());
                }
                c.flush();
            }
        }

        @Override
        public String refusal(Refusal why) {
            return "-NO " + why;
        }

        @Override
        public String timeoutReply() {
            return "-TIMEOUT";
        }

        @Override
        public String internalErrorReply(String incident) {
            return "-INTERNAL " + incident;
        }
    }

    private LineServer start(NetSettings settings, TlsMode mode, TlsContext tls) throws IOException {
        LineServer s = new LineServer("echo", new Endpoint("127.0.0.1", 0, mode), settings, tls, new Echo(), new SimpleMeterRegistry()).start();
        closeables.add(s);
        return s;
    }

    private static NetSettings settings(int max, int perAddress, Duration idle) {
        return new NetSettings(512, idle, Duration.ofSeconds(10), max, perAddress, 3);
    }

    private record Client(Socket socket, BufferedReader in, PrintWriter out) implements AutoCloseable {
        String line() throws IOException {
            return in.readLine();
        }

        void send(String s) {
            out.print(s + "\r\n");
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private Client connect(int port) throws IOException {
        return wrap(new Socket("127.0.0.1", port));
    }

    private Client wrap(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        Client c = new Client(s, new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)),
                new PrintWriter(s.getOutputStream(), false, StandardCharsets.UTF_8));
        closeables.add(c);
        return c;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
    }

    @Test
    void servesSessionsAndRefusesOverTheLimits() throws Exception {
        LineServer server = start(settings(3, 2, Duration.ofSeconds(10)), TlsMode.NONE, null);
        Client a = connect(server.port());
        Client b = connect(server.port());
        assertThat(a.line()).isEqualTo("+READY");
        assertThat(b.line()).isEqualTo("+READY");
        Client c = connect(server.port());
        assertThat(c.line()).isEqualTo("-NO TOO_MANY_FROM_ADDRESS");
        assertThat(c.line()).isNull();
        a.send("hello");
        assertThat(a.line()).isEqualTo("+ECHO hello");
        a.send("QUIT");
        assertThat(a.line()).isEqualTo("+BYE");
        assertThat(a.line()).isNull();
        // a's slot is free again once its session ended
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.metrics().activeConnections() == 1);
        Client d = connect(server.port());
        assertThat(d.line()).isEqualTo("+READY");
    }

    @Test
    void timeoutAndInternalErrorsGetTheProtocolsReplyAndNoStackTrace() throws Exception {
        LineServer server = start(settings(10, 10, Duration.ofMillis(300)), TlsMode.NONE, null);
        Client idle = connect(server.port());
        assertThat(idle.line()).isEqualTo("+READY");
        assertThat(idle.line()).isEqualTo("-TIMEOUT");
        assertThat(idle.line()).isNull();

        Client boom = connect(server.port());
        boom.line();
        boom.send("BOOM");
        String reply = boom.line();
        assertThat(reply).startsWith("-INTERNAL echo-").doesNotContain("secret").doesNotContain("Exception");
        assertThat(boom.line()).isNull();
    }

    @Test
    void startTlsAndImplicitTls(@TempDir Path dir) throws Exception {
        TlsContext tls = TlsContext.selfSigned(dir, "mail.test");
        assertThat(dir.resolve("key.pem")).exists();
        LineServer plain = start(settings(10, 10, Duration.ofSeconds(10)), TlsMode.STARTTLS, tls);
        Client c = connect(plain.port());
        c.line();
        c.send("TLS");
        assertThat(c.line()).isEqualTo("+GO");
        SSLSocket ssl = (SSLSocket) trustAll().getSocketFactory().createSocket(c.socket(), "127.0.0.1", plain.port(), true);
        ssl.startHandshake();
        Client secure = wrap(ssl);
        secure.send("hi");
        assertThat(secure.line()).isEqualTo("+SECURE hi");

        LineServer implicit = start(settings(10, 10, Duration.ofSeconds(10)), TlsMode.IMPLICIT, tls);
        Client direct = wrap(trustAll().getSocketFactory().createSocket("127.0.0.1", implicit.port()));
        assertThat(direct.line()).isEqualTo("+READY");
        direct.send("x");
        assertThat(direct.line()).isEqualTo("+SECURE x");
        // the same certificate is loaded again, not regenerated
        assertThat(TlsContext.selfSigned(dir, "mail.test").certificate()).isEqualTo(tls.certificate());
    }

    @Test
    void aClientThatStopsReadingIsDisconnected() throws Exception {
        LineServer server = start(settings(10, 10, Duration.ofMillis(500)), TlsMode.NONE, null);
        Client c = connect(server.port());
        c.line();
        c.send("FLOOD"); // and never read the answer
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> server.metrics().activeConnections() == 0);
    }

    @Test
    void closeEndsOpenSessions() throws Exception {
        LineServer server = start(settings(10, 10, Duration.ofSeconds(30)), TlsMode.NONE, null);
        Client c = connect(server.port());
        c.line();
        server.close();
        assertThat(c.line()).isNull();
    }

    static SSLContext trustAll() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[]{new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return ctx;
    }
}
