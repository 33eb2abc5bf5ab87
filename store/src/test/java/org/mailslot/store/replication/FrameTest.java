package org.mailslot.store.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.mailslot.store.ChangeRecord;
import org.mailslot.store.replication.ReplicationException.Reason;

/** The frame codec alone: every frame survives a round trip; defects, limits and random bytes give a clear error. */
class FrameTest {
    static final byte[] HASH = new byte[32];

    static {
        Arrays.fill(HASH, (byte) 0xAB);
    }

    static Frame roundTrip(Frame f) throws IOException {
        byte[] bytes = Frame.encode(f);
        assertThat(bytes).hasSize(5 + (int) f.bodyLength());
        return new FrameChannel(new ByteArrayInputStream(bytes), new ByteArrayOutputStream())
                .read(type -> Integer.MAX_VALUE);
    }

    @Test
    void everyFrameSurvivesARoundTrip() throws IOException {
        ChangeRecord record = new ChangeRecord(42, 3, "message.add", "{\"rows\":[]}".getBytes(StandardCharsets.UTF_8),
                0x1234abcd);
        List<Frame> frames = List.of(new Frame.Hello(1, HASH), new Frame.Challenge(1, HASH), new Frame.Auth(HASH),
                new Frame.AuthOk(HASH, 1000, 1 << 20, 5L << 30), new Frame.Open(7, 9, "node-ä"),
                new Frame.Pos(41, -1), new Frame.Refused("not here"), new Frame.Body(HASH, 123),
                new Frame.Signal(Frame.HAVE), new Frame.Signal(Frame.SEND), new Frame.Signal(Frame.STORED),
                new Frame.Changes(List.of(record, new ChangeRecord(43, 3, "rows", new byte[0], 0))),
                new Frame.Ack(43), new Frame.Reset(), new Frame.Err(Reason.RESYNC_NEEDED, "needs a full resync"),
                new Frame.Signal(Frame.MISSING), new Frame.Signal(Frame.WORKING), new Frame.Digest(5000),
                new Frame.Mailboxes(List.of(new Frame.MailboxDigest(1, HASH), new Frame.MailboxDigest(9, HASH))),
                new Frame.Mailboxes(List.of()), new Frame.Digested(43, HASH, 2), new Frame.Check(1),
                new Frame.Damaged(List.of(new Frame.DamagedEntry(HASH, 77, 1), new Frame.DamagedEntry(HASH, 0, 2))),
                new Frame.Checked(1200, 2), new Frame.Repair(HASH, 77), new Frame.Fetch(HASH));
        for (Frame f : frames) {
            Frame back = roundTrip(f);
            assertThat(back).as(Frame.name(f.type())).usingRecursiveComparison().isEqualTo(f);
        }
    }

    @Test
    void defectsAreMalformedAndNameTheFrame() {
        assertThatThrownBy(() -> Frame.decode(Frame.POS, new byte[15]))
                .isInstanceOf(ProtocolException.class).hasMessage("malformed POS: body ends inside a field");
        assertThatThrownBy(() -> Frame.decode(Frame.ACK, new byte[9]))
                .hasMessage("malformed ACK: 1 bytes after the last field");
        byte[] negative = new byte[8];
        negative[0] = (byte) 0x80;
        assertThatThrownBy(() -> Frame.decode(Frame.ACK, negative)).hasMessageContaining("last seq");
        assertThatThrownBy(() -> Frame.decode(Frame.REFUSED, new byte[] {0, 2, (byte) 0xC3, 0x28}))
                .hasMessage("malformed REFUSED: reason is not UTF-8");
        // a count that could not fit is refused before anything is allocated for it
        assertThatThrownBy(() -> Frame.decode(Frame.CHANGES, new byte[] {0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}))
                .hasMessageContaining("does not fit the frame");
        assertThatThrownBy(() -> Frame.decode(0x5A, new byte[0])).hasMessageContaining("unknown frame type 0x5a");
    }

    @Test
    void scrubFramesCheckTheirCountsKindsAndIntervals() throws IOException {
        List<Frame.MailboxDigest> full = new java.util.ArrayList<>();
        for (int i = 0; i < Frame.MAX_ENTRIES; i++) {
            full.add(new Frame.MailboxDigest(i, HASH));
        }
        Frame.Mailboxes largest = new Frame.Mailboxes(full);
        assertThat(largest.bodyLength()).isLessThanOrEqualTo(Frame.MAX_CONTROL_BYTES);
        List<Frame.DamagedEntry> damaged = new java.util.ArrayList<>();
        for (int i = 0; i < Frame.MAX_ENTRIES; i++) {
            damaged.add(new Frame.DamagedEntry(HASH, i, 2));
        }
        assertThat(new Frame.Damaged(damaged).bodyLength()).isLessThanOrEqualTo(Frame.MAX_CONTROL_BYTES);

        byte[] tooMany = Arrays.copyOfRange(Frame.encode(largest), 5, 5 + (int) largest.bodyLength());
        tooMany[1]++; // one entry more announced than allowed
        assertThatThrownBy(() -> Frame.decode(Frame.MAILBOXES, tooMany))
                .hasMessage("malformed MAILBOXES: 97 entries, over 96");
        byte[] kind = Arrays.copyOfRange(Frame.encode(new Frame.Damaged(List.of(new Frame.DamagedEntry(HASH, 1, 2)))),
                5, 5 + 2 + 41);
        kind[kind.length - 1] = 3;
        assertThatThrownBy(() -> Frame.decode(Frame.DAMAGED, kind)).hasMessage("malformed DAMAGED: unknown kind 3");
        assertThatThrownBy(() -> Frame.decode(Frame.DIGEST, new byte[4]))
                .hasMessageContaining("progress interval 0 ms is not 1..3600000");
        assertThatThrownBy(() -> Frame.decode(Frame.MAILBOXES, new byte[] {0, 1, 0, 0}))
                .hasMessage("malformed MAILBOXES: body ends inside a field");
    }

    @Test
    void limitsAreCheckedBeforeTheBodyIsRead() {
        byte[] header = {Frame.BODY, 0, 0, 0x10, 1}; // 4097 bytes claimed, none sent
        FrameChannel ch = new FrameChannel(new ByteArrayInputStream(header), new ByteArrayOutputStream());
        assertThatThrownBy(() -> ch.read(type -> Frame.MAX_CONTROL_BYTES))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE))
                .hasMessage("BODY frame of 4097 bytes, over the limit of 4096");
    }

    @Test
    void longReasonsAreCutOnACharacterBoundary() throws IOException {
        String cut = Frame.cut("é".repeat(2000));
        assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(Frame.MAX_REASON_BYTES);
        assertThat(cut).endsWith("...");
        assertThat(roundTrip(new Frame.Err(Reason.INTERNAL, cut))).isEqualTo(new Frame.Err(Reason.INTERNAL, cut));
    }

    @Test
    void randomBytesNeverGiveAnythingButAProtocolError() {
        Random random = new Random(7);
        int[] types = {Frame.HELLO, Frame.CHALLENGE, Frame.AUTH, Frame.AUTH_OK, Frame.OPEN, Frame.POS, Frame.REFUSED,
                Frame.BODY, Frame.HAVE, Frame.CHANGES, Frame.ACK, Frame.ERR, 0x99};
        for (int i = 0; i < 20_000; i++) {
            byte[] body = new byte[random.nextInt(i % 10 == 0 ? 600 : 60)];
            random.nextBytes(body);
            int type = types[random.nextInt(types.length)];
            try {
                Frame.decode(type, body);
            } catch (ProtocolException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    @Test
    void settingsNameTheKeyTheyRefuse() {
        ReplicationSettings d = ReplicationSettings.defaults();
        assertThatThrownBy(() -> d.withBatchLimits(0, 1 << 20)).hasMessageContaining("replication.max-batch-records");
        assertThatThrownBy(() -> d.withReplyTimeout(Duration.ofMillis(5)))
                .hasMessageContaining("replication.reply-timeout");
        assertThatThrownBy(() -> d.withMaxBodyBytes(10)).hasMessageContaining("replication.max-body-bytes");
    }
}
