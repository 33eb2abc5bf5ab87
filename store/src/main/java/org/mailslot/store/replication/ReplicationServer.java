package org.mailslot.store.replication;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.mailslot.core.net.TlsContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store node's replication listener: masters connect here to ship the slots this node holds as replica
 * ({@link ReplicationProtocol}). One virtual thread per connection, one slot per connection; the peer proves it knows
 * the cluster secret before anything else is read, and {@link ReplicaSlots} decides which copy, if any, it may write.
 * TLS when a {@link TlsContext} is given, plain TCP otherwise.
 */
public final class ReplicationServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicationServer.class);

    private final InetSocketAddress address;
    private final Handshake handshake;
    private final TlsContext tls;
    private final ReplicaSlots slots;
    private final ReplicationSettings settings;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;
    private volatile boolean closing;
    private Thread acceptor;

    /**
     * @param clusterSecret at least 16 bytes, the same on every node
     * @param tls           the node's certificate, or null for plain TCP (a trusted network only)
     */
    public ReplicationServer(InetSocketAddress address, byte[] clusterSecret, TlsContext tls, ReplicaSlots slots,
                             ReplicationSettings settings) {
        this.address = Objects.requireNonNull(address, "address");
        this.handshake = new Handshake(clusterSecret);
        this.tls = tls;
        this.slots = Objects.requireNonNull(slots, "slots");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Binds the port; fails with a message naming the address when it is taken. */
    public ReplicationServer start() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        try {
            s.bind(address, 128);
        } catch (IOException e) {
            s.close();
            throw new IOException("replication cannot listen on " + address.getHostString() + ":" + address.getPort()
                    + ": " + e.getMessage(), e);
        }
        server = s;
        acceptor = Thread.ofVirtual().name("replication-accept").start(this::acceptLoop);
        log.info("replication listening on {}:{}{}", address.getHostString(), port(), tls == null ? "" : " (TLS)");
        return this;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Links open now, authenticated or not. */
    public int connections() {
        return connections.get();
    }

    /** Stops accepting and closes every link; a master in the middle of a batch sees its link break. */
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
                    log.warn("replication accept failed: {}", e.getMessage());
                }
                continue;
            }
            Thread.ofVirtual().name("replication-link").start(() -> admit(socket));
        }
    }

    private void admit(Socket socket) {
        String id = "repl-" + Long.toString(ids.incrementAndGet(), 36);
        int now = connections.incrementAndGet();
        open.add(socket);
        try {
            if (closing) {
                return;
            }
            log.info("replication {} connection from {}", id, socket.getRemoteSocketAddress());
            new ReplicaSession(id, socket, handshake, tls, slots, settings).run(now > settings.maxConnections());
        } finally {
            open.remove(socket);
            connections.decrementAndGet();
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
