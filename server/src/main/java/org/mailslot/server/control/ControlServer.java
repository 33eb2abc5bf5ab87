package org.mailslot.server.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.mailslot.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

/**
 * The node's control socket: a Unix domain socket in the data directory, readable and writable by the node's
 * user only (the file permissions are the authentication, as for the directory file itself). One JSON request
 * line, one JSON response line.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule());
    private static final int MAX_REQUEST = 4096;

    private final Path path;
    private final ServerSocketChannel server;
    private final SlotAdmin admin;
    private volatile boolean closed;

    private ControlServer(Path path, ServerSocketChannel server, SlotAdmin admin) {
        this.path = path;
        this.server = server;
        this.admin = admin;
    }

    /** Binds {@code path} (a stale file from a killed node is replaced) and serves requests with {@code admin}. */
    public static ControlServer start(Path path, SlotAdmin admin) throws IOException {
        Files.deleteIfExists(path);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot create the control socket " + path + ": " + e.getMessage(), e);
        }
        ControlServer control = new ControlServer(path, server, admin);
        Thread.ofVirtual().name("control-accept").start(control::acceptLoop);
        return control;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel client = server.accept();
                Thread.ofVirtual().name("control").start(() -> serve(client));
            } catch (IOException e) {
                if (!closed) {
                    log.warn("control socket accept failed: {}", e.getMessage());
                }
            }
        }
    }

    private void serve(SocketChannel channel) {
        try (channel; BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
             OutputStream out = Channels.newOutputStream(channel)) {
            String line = readBoundedLine(in);
            ControlResponse response;
            if (line == null || line.length() > MAX_REQUEST) {
                response = new ControlResponse(null, "request missing or too long", "INVALID");
            } else {
                response = handle(line);
            }
            out.write((JSON.writeValueAsString(response) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            log.debug("control client went away: {}", e.getMessage());
        }
    }

    /** One line of at most MAX_REQUEST + 1 characters: enough to tell that a request is too long, never more. */
    private static String readBoundedLine(BufferedReader in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (sb.length() > MAX_REQUEST) {
                return sb.toString();
            }
            sb.append((char) c);
        }
        return c == -1 && sb.isEmpty() ? null : sb.toString();
    }

    private ControlResponse handle(String line) {
        try {
            ControlRequest r = JSON.readValue(line, ControlRequest.class);
            log.info("control: {} slot {} account {}", r.op(), r.slot(), r.accountId());
            Object result = switch (r.op()) {
                case "usage" -> admin.usage(r.slot(), r.accountId());
                case "delete-account" -> {
                    admin.deleteAccount(r.slot(), r.accountId());
                    yield "ok";
                }
                case "restore" -> admin.restore(r.slot(), r.accountId(), Instant.ofEpochMilli(r.sinceEpochMillis()));
                case "verify" -> admin.verify(r.slot());
                case "queue" -> admin.queue();
                case "queue-flush" -> admin.flushQueue();
                case "queue-delete" -> {
                    admin.deleteQueued(r.slot(), r.accountId()); // accountId carries the queue entry's id
                    yield "ok";
                }
                default -> throw new StoreException(StoreException.Reason.INVALID, "unknown operation '" + r.op() + "'");
            };
            return new ControlResponse(JSON.valueToTree(result), null, null);
        } catch (StoreException e) {
            return new ControlResponse(null, e.getMessage(), e.reason().name());
        } catch (IOException | RuntimeException e) {
            log.warn("control request failed: {}", e.toString());
            return new ControlResponse(null, "request failed: " + e.getMessage(), "IO");
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.debug("closing control socket: {}", e.getMessage());
        }
    }
}
