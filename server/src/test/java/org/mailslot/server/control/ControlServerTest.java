package org.mailslot.server.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.store.QuotaUsage;
import org.mailslot.store.StoreException;
import org.mailslot.store.VerifyReport;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The control socket answers what it can, refuses garbage with a clear error, and is closed to other users. */
class ControlServerTest {

    /** A slot admin that answers from fixed values, so the test is about the socket, not the store. */
    private static final class FixedAdmin implements SlotAdmin {
        @Override
        public QuotaUsage usage(int slot, long accountId) {
            return new QuotaUsage(accountId, 1234, 5);
        }

        @Override
        public void deleteAccount(int slot, long accountId) {
            throw new StoreException(StoreException.Reason.NOT_FOUND, "no account " + accountId + " in slot " + slot);
        }

        @Override
        public int restore(int slot, long accountId, Instant expungedSince) {
            return 3;
        }

        @Override
        public VerifyReport verify(int slot) {
            return new VerifyReport(slot, 10, 20, List.of());
        }

        @Override
        public List<QueuedMessage> queue() {
            Instant at = Instant.parse("2026-11-29T10:00:00Z");
            return List.of(new QueuedMessage(3, new org.mailslot.store.OutboundEntry(17, 5, "a@example.com", "ab", 900,
                    at, at.plusSeconds(432_000), false, List.of(new org.mailslot.store.OutboundRecipient("b@example.org",
                    org.mailslot.store.OutboundRecipient.State.PENDING, 2, at.plusSeconds(600), "4.4.1",
                    "connection refused", null)))));
        }

        @Override
        public int flushQueue() {
            return 4;
        }

        @Override
        public void deleteQueued(int slot, long queueId) {
            throw new StoreException(StoreException.Reason.NOT_FOUND, "no queue entry " + slot + "." + queueId);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void answersRequestsAndRefusesGarbage(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("control.sock");
        try (ControlServer server = ControlServer.start(socket, new FixedAdmin())) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
            SlotAdmin remote = RemoteSlotAdmin.connect(socket).orElseThrow();
            assertThat(remote.usage(1, 7)).isEqualTo(new QuotaUsage(7, 1234, 5));
            assertThat(remote.restore(1, 7, Instant.EPOCH)).isEqualTo(3);
            assertThat(remote.verify(2).clean()).isTrue();
            assertThat(remote.queue()).isEqualTo(new FixedAdmin().queue()); // instants and states survive the socket
            assertThat(remote.flushQueue()).isEqualTo(4);
            assertThatThrownBy(() -> remote.deleteQueued(3, 99)).hasMessage("no queue entry 3.99");
            assertThatThrownBy(() -> remote.deleteAccount(1, 9)).isInstanceOf(StoreException.class)
                    .hasMessage("no account 9 in slot 1")
                    .satisfies(e -> assertThat(((StoreException) e).reason()).isEqualTo(StoreException.Reason.NOT_FOUND));

            assertThat(raw(socket, "not json at all").path("reason").asText()).isEqualTo("IO");
            assertThat(raw(socket, "{\"op\":\"format-disk\"}").path("error").asText()).contains("unknown operation");
            assertThat(raw(socket, "x".repeat(10_000)).path("error").asText()).contains("too long");
            assertThat(raw(socket, "x".repeat(5_000_000)).path("error").asText()).contains("too long"); // read no further
            assertThat(raw(socket, "").path("reason").asText()).isNotEmpty();
        }
        assertThat(socket).doesNotExist();
        assertThat(RemoteSlotAdmin.connect(socket)).isEmpty();
    }

    @Test
    void aStaleSocketFileFromAKilledNodeIsReplaced(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("control.sock");
        Files.writeString(socket, "left behind by kill -9");
        try (ControlServer server = ControlServer.start(socket, new FixedAdmin())) {
            assertThat(RemoteSlotAdmin.connect(socket)).isPresent();
        }
    }

    private static JsonNode raw(Path socket, String line) throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            OutputStream out = Channels.newOutputStream(ch);
            try {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (java.io.IOException stoppedReading) {
                // the node answered an over-long request and closed without reading the rest: what we want
            }
            String answer = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8)).readLine();
            return new ObjectMapper().readTree(answer);
        }
    }
}
