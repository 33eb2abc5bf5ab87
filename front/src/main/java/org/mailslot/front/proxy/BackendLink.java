package org.mailslot.front.proxy;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A connection from a front to a store node's service port: lines during the login dialogue, bytes after. */
final class BackendLink implements AutoCloseable {
    /** A store's reply line is short; anything longer is not our store talking. */
    private static final int MAX_LINE = 16 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private BackendLink(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        this.out = socket.getOutputStream();
    }

    /** Connects; the login dialogue's reads time out after {@code timeout} each. */
    static BackendLink connect(String host, int port, Duration timeout) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), Math.toIntExact(timeout.toMillis()));
            s.setSoTimeout(Math.toIntExact(timeout.toMillis()));
            return new BackendLink(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** One line without its CRLF. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("store closed the connection");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.UTF_8);
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("store sent a line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
    }

    void writeLine(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** After the login: reads wait as long as the client's session lasts (the client side has the timeouts). */
    void relayMode() throws IOException {
        socket.setSoTimeout(0);
    }

    InputStream input() {
        return in;
    }

    OutputStream output() {
        return out;
    }

    /** The client has finished sending: the store sees end of stream and ends its session. */
    void shutdownOutput() {
        try {
            socket.shutdownOutput();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
