package org.mailslot.server.control;

import com.fasterxml.jackson.databind.JsonNode;
import org.mailslot.store.QuotaUsage;
import org.mailslot.store.StoreException;
import org.mailslot.store.VerifyReport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Slot administration done by the running node, asked through its control socket. */
public final class RemoteSlotAdmin implements SlotAdmin {
    private final Path socket;

    private RemoteSlotAdmin(Path socket) {
        this.socket = socket;
    }

    /** A client for the node listening on {@code socket}, or empty when no node is listening there. */
    public static Optional<RemoteSlotAdmin> connect(Path socket) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return Optional.of(new RemoteSlotAdmin(socket));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public QuotaUsage usage(int slot, long accountId) {
        return convert(call(new ControlRequest("usage", slot, accountId, 0)), QuotaUsage.class);
    }

    @Override
    public void deleteAccount(int slot, long accountId) {
        call(new ControlRequest("delete-account", slot, accountId, 0));
    }

    @Override
    public int restore(int slot, long accountId, Instant expungedSince) {
        return call(new ControlRequest("restore", slot, accountId, expungedSince.toEpochMilli())).asInt();
    }

    @Override
    public VerifyReport verify(int slot) {
        return convert(call(new ControlRequest("verify", slot, 0, 0)), VerifyReport.class);
    }

    @Override
    public List<QueuedMessage> queue() {
        try {
            return ControlServer.JSON.readerFor(new com.fasterxml.jackson.core.type.TypeReference<List<QueuedMessage>>() { })
                    .readValue(call(new ControlRequest("queue", 0, 0, 0)));
        } catch (IOException e) {
            throw new StoreException(StoreException.Reason.IO, "unreadable answer from the node: " + e.getMessage(), e);
        }
    }

    @Override
    public int flushQueue() {
        return call(new ControlRequest("queue-flush", 0, 0, 0)).asInt();
    }

    @Override
    public void deleteQueued(int slot, long queueId) {
        call(new ControlRequest("queue-delete", slot, queueId, 0));
    }

    private JsonNode call(ControlRequest request) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            OutputStream out = Channels.newOutputStream(channel);
            out.write((ControlServer.JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String line = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8)).readLine();
            if (line == null) {
                throw new StoreException(StoreException.Reason.IO, "the node closed the control socket without answering");
            }
            ControlResponse response = ControlServer.JSON.readValue(line, ControlResponse.class);
            if (response.error() != null) {
                throw new StoreException(StoreException.Reason.valueOf(response.reason()), response.error());
            }
            return response.result();
        } catch (IOException e) {
            throw new StoreException(StoreException.Reason.IO, "cannot reach the node at " + socket + ": " + e.getMessage(), e);
        }
    }

    private static <T> T convert(JsonNode node, Class<T> type) {
        try {
            return ControlServer.JSON.treeToValue(node, type);
        } catch (IOException e) {
            throw new StoreException(StoreException.Reason.IO, "unreadable answer from the node: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        // one connection per call: nothing held
    }
}
