package org.mailslot.protocols.pop3;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** A raw POP3 client for exact-response tests: sends lines, reads lines and multi-line bodies byte for byte. */
final class Pop3TestClient implements AutoCloseable {
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    final String greeting;

    private Pop3TestClient(Socket socket) throws IOException {
        attach(socket);
        socket.setSoTimeout(20_000);
        this.greeting = readLine();
    }

    static Pop3TestClient connect(int port) throws IOException {
        return new Pop3TestClient(new Socket("127.0.0.1", port));
    }

    static Pop3TestClient connectTls(int port) throws IOException {
        SSLSocket s = (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", port);
        s.startHandshake();
        return new Pop3TestClient(s);
    }

    private void attach(Socket s) throws IOException {
        this.socket = s;
        this.in = new BufferedInputStream(s.getInputStream());
        this.out = s.getOutputStream();
    }

    boolean isSecure() {
        return socket instanceof SSLSocket;
    }

    void startTls() throws IOException {
        SSLSocket s = (SSLSocket) trustAll().getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(), true);
        s.setUseClientMode(true);
        s.startHandshake();
        attach(s);
    }

    String cmd(String line) throws IOException {
        send(line);
        return readLine();
    }

    void send(String line) throws IOException {
        sendRaw((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** A CRLF-terminated line without its CRLF; null at end of stream. */
    String readLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                if (bytes.length == 0 || bytes[bytes.length - 1] != '\r') {
                    throw new IOException("line not ended by CRLF: " + b);
                }
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
    }

    /** The lines of a multi-line response after its +OK line, up to (without) the ".", not unstuffed. */
    List<String> readMultiline() throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        while (!".".equals(line = readLine())) {
            if (line == null) {
                throw new IOException("connection closed inside a multi-line response");
            }
            lines.add(line);
        }
        return lines;
    }

    /** A multi-line body after its +OK line, dot-unstuffed, exactly as the server meant it (CRLF endings). */
    byte[] readBody() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String line : readMultiline()) {
            b.writeBytes((line.startsWith(".") ? line.substring(1) : line).getBytes(StandardCharsets.UTF_8));
            b.writeBytes(new byte[]{'\r', '\n'});
        }
        return b.toByteArray();
    }

    String login(String user, String password) throws IOException {
        String u = cmd("USER " + user);
        if (!u.startsWith("+OK")) {
            return u;
        }
        return cmd("PASS " + password);
    }

    static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** True when the server closed the connection (reads end of stream). */
    boolean closedByServer() throws IOException {
        return readLine() == null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    static SSLContext trustAll() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[]{new X509TrustManager() {
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
