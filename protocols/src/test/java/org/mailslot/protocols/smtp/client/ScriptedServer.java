package org.mailslot.protocols.smtp.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fake SMTP server on a loopback port for one connection, driven by a script: it sends what the script writes and
 * records every line the client sent, so tests can check the client's exact wire bytes and its reaction to broken
 * servers.
 */
final class ScriptedServer implements AutoCloseable {

    /** What the script gets: the client's lines and the raw output. */
    static final class Peer {
        final InputStream in;
        final OutputStream out;
        final List<String> received;

        Peer(InputStream in, OutputStream out, List<String> received) {
            this.in = in;
            this.out = out;
            this.received = received;
        }

        /** Reads one CRLF line from the client (null at EOF) and records it. */
        String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                b.write(c);
            }
            if (c < 0 && b.size() == 0) {
                return null;
            }
            String s = b.toString(StandardCharsets.UTF_8);
            s = s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            received.add(s);
            return s;
        }

        void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** Reads the DATA payload up to and including the final dot line; returns it with CRLFs as sent. */
        String dataPayload() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            String tail = "";
            int c;
            while ((c = in.read()) >= 0) {
                b.write(c);
                tail = (tail + (char) c);
                if (tail.length() > 5) {
                    tail = tail.substring(tail.length() - 5);
                }
                if (tail.equals("\r\n.\r\n") || b.size() == 3 && tail.equals(".\r\n")) {
                    break;
                }
            }
            return b.toString(StandardCharsets.UTF_8);
        }
    }

    interface Script {
        void run(Peer peer) throws Exception;
    }

    private final ServerSocket server;
    private final Thread thread;
    final List<String> received = new CopyOnWriteArrayList<>();
    volatile Throwable failure;

    ScriptedServer(Script script) throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        thread = Thread.ofVirtual().start(() -> {
            try (Socket s = server.accept()) {
                script.run(new Peer(s.getInputStream(), s.getOutputStream(), received));
            } catch (Throwable t) {
                failure = t;
            }
        });
    }

    int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
