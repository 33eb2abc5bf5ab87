package org.mailslot.core.net;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one listener all line protocols share: accepts connections, enforces the connection limits (in total
 * and per client address), runs each session on its own virtual thread, and turns timeouts and internal
 * failures into the protocol's own reply and one log line, never a stack trace on the wire.
 */
public final class LineServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LineServer.class);
    private static final AtomicLong SESSION_IDS = new AtomicLong();

    private final String protocol;
    private final Endpoint endpoint;
    private final NetSettings settings;
    private final TlsContext tls;
    private final SessionHandler handler;
    private final ProtocolMetrics metrics;
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Set<Connection> sessions = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;
    private volatile boolean closing;
    private Thread acceptor;

    public LineServer(String protocol, Endpoint endpoint, NetSettings settings, TlsContext tls,
                      SessionHandler handler, MeterRegistry meters) {
        if (endpoint.tls() != TlsMode.NONE && tls == null) {
            throw new IllegalArgumentException(protocol + " on " + endpoint + " needs TLS but no certificate is configured");
        }
        this.protocol = protocol;
        this.endpoint = endpoint;
        this.settings = settings;
        this.tls = endpoint.tls() == TlsMode.NONE ? null : tls;
        this.handler = handler;
        this.metrics = new ProtocolMetrics(meters, protocol);
    }

    /** Binds the port; fails with a message naming the address when it is taken. */
    public LineServer start() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        try {
            s.bind(new InetSocketAddress(endpoint.host(), endpoint.port()), 256);
        } catch (IOException e) {
            s.close();
            throw new IOException(protocol + " cannot listen on " + endpoint.host() + ":" + endpoint.port() + ": " + e.getMessage(), e);
        }
        server = s;
        acceptor = Thread.ofVirtual().name(protocol + "-accept").start(this::acceptLoop);
        Thread.ofVirtual().name(protocol + "-write-watch").start(this::watchWrites);
        log.info("{} listening on {}:{}{}", protocol, endpoint.host(), port(), endpoint.tls() == TlsMode.IMPLICIT ? " (implicit TLS)" : "");
        return this;
    }

    public int port() {
        return server.getLocalPort();
    }

    public String protocol() {
        return protocol;
    }

    public Endpoint endpoint() {
        return new Endpoint(endpoint.host(), port(), endpoint.tls());
    }

    public ProtocolMetrics metrics() {
        return metrics;
    }

    /** Stops accepting and closes every open connection; sessions see end of stream and end. */
    @Override
    public void close() {
        closing = true;
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException ignored) {
            // already closed
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
        if (acceptor != null) {
            try {
                acceptor.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void acceptLoop() {
        while (!closing) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closing) {
                    log.warn("{} accept failed: {}", protocol, e.getMessage());
                }
                continue;
            }
            Thread.ofVirtual().name(protocol + "-session").start(() -> admit(socket));
        }
    }

    /**
     * Closes connections whose client has not read what we sent for longer than the idle timeout: a socket write
     * has no timeout of its own, and a session blocked in one would hold its slot and locks forever.
     */
    private void watchWrites() {
        long limit = settings.idleTimeout().toNanos();
        while (!closing) {
            try {
                Thread.sleep(Math.min(1000, Math.max(50, settings.idleTimeout().toMillis() / 4)));
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Connection c : sessions) {
                if (c.writeBlockedNanos(now) > limit) {
                    metrics.error("write_timeout");
                    log.info("{} {} from {}: client stopped reading for {} ms, closing", protocol, c.id(), c.remote(),
                            settings.idleTimeout().toMillis());
                    c.abort();
                }
            }
        }
    }

    private void admit(Socket socket) {
        InetAddress address = socket.getInetAddress();
        AtomicInteger fromAddress = perAddress.computeIfAbsent(address, a -> new AtomicInteger());
        int mine = fromAddress.incrementAndGet();
        int all = total.incrementAndGet();
        open.add(socket);
        try {
            if (closing) {
                refuse(socket, SessionHandler.Refusal.SHUTTING_DOWN);
            } else if (all > settings.maxConnections()) {
                refuse(socket, SessionHandler.Refusal.TOO_MANY_CONNECTIONS);
            } else if (mine > settings.maxConnectionsPerAddress()) {
                refuse(socket, SessionHandler.Refusal.TOO_MANY_FROM_ADDRESS);
            } else {
                run(socket);
            }
        } finally {
            open.remove(socket);
            total.decrementAndGet();
            if (fromAddress.decrementAndGet() == 0) {
                perAddress.remove(address, fromAddress);
            }
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    private void refuse(Socket socket, SessionHandler.Refusal why) {
        metrics.refusal(why.name().toLowerCase());
        log.info("{} refused {}: {}", protocol, socket.getRemoteSocketAddress(), why.name().toLowerCase().replace('_', ' '));
        try {
            Socket s = endpoint.tls() == TlsMode.IMPLICIT ? handshake(socket) : socket;
            OutputStream out = s.getOutputStream();
            out.write((handler.refusal(why) + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException ignored) {
            // the client is gone or failed the handshake: nothing to tell it
        }
    }

    private Socket handshake(Socket socket) throws IOException {
        socket.setSoTimeout(Math.toIntExact(settings.commandTimeout().toMillis()));
        SSLSocket ssl = tls.wrap(socket);
        open.add(ssl);
        ssl.startHandshake();
        return ssl;
    }

    private void run(Socket socket) {
        String id = protocol + "-" + Long.toString(SESSION_IDS.incrementAndGet(), 36);
        metrics.opened();
        Connection connection = null;
        try {
            socket.setTcpNoDelay(true);
            Socket s = endpoint.tls() == TlsMode.IMPLICIT ? handshake(socket) : socket;
            connection = new Connection(id, s, settings, endpoint.tls() == TlsMode.STARTTLS ? tls : null, metrics);
            open.add(connection.socket());
            sessions.add(connection);
            handler.serve(connection);
        } catch (SocketTimeoutException e) {
            metrics.error("timeout");
            log.info("{} {} from {}: {}", protocol, id, socket.getRemoteSocketAddress(),
                    e instanceof CommandTimeoutException ? "too slow, closing" : "idle timeout, closing");
            reply(connection, handler.timeoutReply());
        } catch (SSLException e) {
            metrics.error("tls");
            log.info("{} {} from {}: TLS failed: {}", protocol, id, socket.getRemoteSocketAddress(), e.getMessage());
        } catch (SocketException | java.io.EOFException e) {
            log.debug("{} {} connection lost: {}", protocol, id, e.getMessage());
        } catch (IOException e) {
            log.info("{} {} I/O error: {}", protocol, id, e.getMessage());
        } catch (RuntimeException | Error e) {
            if (closing) {
                return;
            }
            String incident = id + "-" + Long.toString(System.currentTimeMillis() % 100000, 36);
            metrics.error("internal");
            log.error("{} {} internal error, incident {}", protocol, id, incident, e);
            reply(connection, handler.internalErrorReply(incident));
        } finally {
            metrics.closed();
            if (connection != null) {
                connection.close(); // flushes: still watched, so a client that does not read cannot block it
                sessions.remove(connection);
                open.remove(connection.socket());
            }
        }
    }

    private static void reply(Connection connection, String line) {
        if (connection == null) {
            return;
        }
        try {
            connection.writeLine(line);
            connection.flush();
        } catch (IOException ignored) {
            // the client is gone
        }
    }
}
