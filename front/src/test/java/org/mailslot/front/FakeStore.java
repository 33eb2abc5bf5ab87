package org.mailslot.front;

import org.mailslot.directory.Account;
import org.mailslot.directory.Directory;
import org.mailslot.directory.DirectorySettings;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * For the front's tests: a one-node directory (node1 at 127.0.0.1, one slot, alice@example.com), the front's
 * {@link SlotRouter} over it, and a socket where a test plays the store node, one scripted session per connection.
 */
public final class FakeStore implements AutoCloseable {
    public final Directory directory;
    public final SlotRouter router;
    public final Account alice;
    private final ServerSocket socket;
    private final AtomicInteger sessions = new AtomicInteger();

    public FakeStore(Path dir) throws IOException {
        directory = Directory.open(new DirectorySettings("jdbc:sqlite:" + dir.resolve("directory.db"), null, null,
                2, 1024, 1, 1, "+"));
        directory.registerNode("node1", "127.0.0.1");
        directory.ensureSlots("node1", 1);
        directory.addDomain("example.com");
        alice = directory.addAccount("alice@example.com", "pw-pw-pw-pw".toCharArray(), 0);
        router = new SlotRouter(directory, Duration.ofMillis(100));
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** How many connections the store accepted. */
    public int sessions() {
        return sessions.get();
    }

    /** Plays each connection with {@code session} (given the socket and the connection's number from 0). */
    public void serve(BiConsumer<Socket, Integer> session) {
        Thread.ofVirtual().start(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    int n = sessions.getAndIncrement();
                    Thread.ofVirtual().start(() -> session.accept(s, n));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /** Nothing listens any more: connections are refused. */
    public void stopListening() throws IOException {
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        router.close();
        directory.close();
    }
}
