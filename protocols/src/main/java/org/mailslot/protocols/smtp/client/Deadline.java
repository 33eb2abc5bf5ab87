package org.mailslot.protocols.smtp.client;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

/**
 * Closes a socket when a blocking step takes longer than its limit: socket writes have no timeout of their own, so
 * a server that stops reading would otherwise hold the client forever. A virtual thread sleeps through the limit and
 * is interrupted when the step ends in time.
 */
final class Deadline implements AutoCloseable {
    private final Thread timer;
    private volatile boolean done;
    private volatile boolean fired;

    private Deadline(Socket socket, Duration limit) {
        timer = Thread.ofVirtual().name("smtp-client-deadline").start(() -> {
            try {
                Thread.sleep(limit);
            } catch (InterruptedException e) {
                return;
            }
            if (!done) {
                fired = true;
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing is all we can do
                }
            }
        });
    }

    static Deadline arm(Socket socket, Duration limit) {
        return new Deadline(socket, limit);
    }

    /** Whether the limit passed and the socket was closed. */
    boolean fired() {
        return fired;
    }

    @Override
    public void close() {
        done = true;
        timer.interrupt();
    }
}
