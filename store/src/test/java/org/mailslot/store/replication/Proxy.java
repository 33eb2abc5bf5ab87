package org.mailslot.store.replication;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay between a master and a replica on loopback, for one connection at a time, that can do to the bytes
 * what a network or an attacker could: flip a byte of a pattern on the way to the replica, stop reading from the
 * master once the replica has said SEND, and record what the master sent.
 */
final class Proxy implements AutoCloseable {
    private static final byte[] SEND_FRAME = {Frame.SEND, 0, 0, 0, 0};

    private final ServerSocket listener;
    private final int target;
    private final byte[] flip;
    private final boolean stallAfterSend;
    private final ByteArrayOutputStream recorded = new ByteArrayOutputStream();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean stalled;
    private volatile boolean closed;

    private Proxy(int target, String flip, boolean stallAfterSend) throws IOException {
        this.target = target;
        this.flip = flip == null ? null : flip.getBytes(StandardCharsets.US_ASCII);
        this.stallAfterSend = stallAfterSend;
        listener = new ServerSocket();
        listener.setReceiveBufferSize(16 * 1024); // so a master that writes into a stalled relay blocks soon
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofVirtual().start(this::accept);
    }

    /** Relays faithfully, recording what the master sends. */
    static Proxy recording(int target) throws IOException {
        return new Proxy(target, null, false);
    }

    /** Changes the last byte of the first occurrence of {@code pattern} on its way to the replica. */
    static Proxy flipping(int target, String pattern) throws IOException {
        return new Proxy(target, pattern, false);
    }

    /** Stops reading from the master as soon as the replica's SEND has gone through. */
    static Proxy stallingAfterSend(int target) throws IOException {
        return new Proxy(target, null, true);
    }

    int port() {
        return listener.getLocalPort();
    }

    synchronized byte[] recorded() {
        return recorded.toByteArray();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket master = listener.accept();
                Socket replica = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(master);
                sockets.add(replica);
                Thread.ofVirtual().start(() -> pump(master, replica, true));
                Thread.ofVirtual().start(() -> pump(replica, master, false));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean upstream) {
        byte[] buf = new byte[8192];
        int flipMatched = 0;
        boolean flipped = false;
        int sendMatched = 0;
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            while (true) {
                while (upstream && stalled && !closed) {
                    Thread.sleep(20);
                }
                int n = in.read(buf);
                if (n < 0) {
                    to.shutdownOutput();
                    return;
                }
                for (int i = 0; i < n; i++) {
                    if (upstream && flip != null && !flipped) {
                        flipMatched = buf[i] == flip[flipMatched] ? flipMatched + 1 : (buf[i] == flip[0] ? 1 : 0);
                        if (flipMatched == flip.length) {
                            buf[i] ^= 0x01;
                            flipped = true;
                        }
                    }
                    if (!upstream && stallAfterSend) {
                        sendMatched = buf[i] == SEND_FRAME[sendMatched] ? sendMatched + 1 : (buf[i] == SEND_FRAME[0] ? 1 : 0);
                        if (sendMatched == SEND_FRAME.length) {
                            stalled = true;
                            sendMatched = 0;
                        }
                    }
                }
                if (upstream) {
                    synchronized (this) {
                        recorded.write(buf, 0, n);
                    }
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // one side went away: so does the other
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        sockets.forEach(Proxy::closeQuietly);
    }
}
