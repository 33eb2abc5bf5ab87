package org.mailslot.protocols.smtp.inbound;

import org.mailslot.store.MessageContent;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Asks SpamAssassin's spamd for a verdict over TCP (the SPAMC/1.5 protocol, SYMBOLS request), as spamc does:
 * messages over {@code maxSize} octets are not sent (spamc's -s, 500 KiB by default), and a spamd that does not
 * answer within {@code timeout} (connect, send and answer together) leaves the message unscored. Never throws.
 */
final class SpamdClient {
    /** What spamd said, or why it said nothing useful. */
    sealed interface Outcome {
        /** {@code tests}: the names of the rules that hit, as spamd listed them. */
        record Scored(boolean spam, double score, double threshold, List<String> tests) implements Outcome {}

        /** spamd failed: down, garbage, too slow. */
        record Unscored(String reason) implements Outcome {}

        /** Not sent, as configured (over spamd-max-size). */
        record Skipped(String reason) implements Outcome {}
    }

    private final String host;
    private final int port;
    private final Duration timeout;
    private final long maxSize;

    SpamdClient(String host, int port, Duration timeout, long maxSize) {
        this.host = host;
        this.port = port;
        this.timeout = timeout;
        this.maxSize = maxSize;
    }

    Outcome check(MessageContent content) {
        long size = content.size();
        if (size > maxSize) {
            return new Outcome.Skipped("not scanned: " + size + " octets is over inbound.spamd-max-size (" + maxSize + ")");
        }
        Socket socket = new Socket();
        AtomicBoolean timedOut = new AtomicBoolean();
        // socket timeouts cover reads only; a spamd that stops reading would block the send for ever
        Thread watchdog = Thread.ofVirtual().name("spamd-timeout").start(() -> {
            try {
                Thread.sleep(timeout);
                timedOut.set(true);
                socket.close();
            } catch (InterruptedException | IOException ignored) {
                // done in time, or already closed
            }
        });
        try (socket) {
            socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            out.write(("SYMBOLS SPAMC/1.5\r\nContent-length: " + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            try (InputStream in = content.open()) {
                in.transferTo(out);
            }
            out.flush();
            socket.shutdownOutput();
            return SpamdReply.parse(new BufferedInputStream(socket.getInputStream()));
        } catch (IOException | RuntimeException e) {
            if (timedOut.get() || e instanceof java.net.SocketTimeoutException) {
                return new Outcome.Unscored("spamd " + host + ":" + port + " did not answer within " + timeout.toMillis() + " ms");
            }
            return new Outcome.Unscored("spamd " + host + ":" + port + ": " + e.getMessage());
        } finally {
            watchdog.interrupt();
        }
    }
}
