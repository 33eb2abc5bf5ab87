package org.mailslot.store.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.core.net.TlsContext;
import org.mailslot.store.AppendResult;
import org.mailslot.store.ChangeRecord;
import org.mailslot.store.DeliveryTarget;
import org.mailslot.store.FlagOp;
import org.mailslot.store.MessageContent;
import org.mailslot.store.MessageMeta;
import org.mailslot.store.SlotStore;
import org.mailslot.store.SpecialUse;
import org.mailslot.store.StoreSettings;
import org.mailslot.store.replication.ReplicationException.Reason;

/**
 * The replication link over real TCP on loopback between two slot copies (DESIGN.md section 5): what the master ships
 * ends up identical on the replica; a new link resumes where the replica is; wrong secrets, stale epochs, diverged
 * logs, bodies damaged in transit, silent or stalled replicas, garbage and oversized frames are each refused with a
 * reason, bounded in time, and the listener keeps serving.
 */
class ReplicationLinkTest {
    static final byte[] SECRET = "correct horse battery staple, cluster 1".getBytes(StandardCharsets.UTF_8);
    static final int SLOT = 7;
    static final long ALICE = 1001;
    static final long BOB = 1002;
    static final Instant DATE = Instant.parse("2024-05-01T10:15:30Z");

    @TempDir
    Path dir;
    SlotStore master;
    SlotStore replica;
    volatile long knownEpoch = 1;
    final ReplicationSettings settings = ReplicationSettings.defaults()
            .withHandshakeTimeout(Duration.ofSeconds(2)).withReplyTimeout(Duration.ofSeconds(5));
    final List<AutoCloseable> closeAfter = new ArrayList<>();
    ReplicationServer server;

    @BeforeEach
    void open() throws IOException {
        master = SlotStore.open(dir.resolve("master"), SLOT, StoreSettings.defaults());
        replica = SlotStore.open(dir.resolve("replica"), SLOT, StoreSettings.defaults());
        master.becomeMaster(1, null); // both at epoch 1: the slot's meta row, epoch included, is in the digest
        replica.becomeReplica(1);
        server = serve(settings, null, slots());
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeAfter.reversed()) {
            c.close();
        }
        master.close();
        replica.close();
    }

    /** This node holds slot 7 as replica at {@link #knownEpoch}. */
    ReplicaSlots slots() {
        return (slot, epoch) -> {
            if (slot != SLOT) {
                throw new ReplicaSlots.Refused("this node holds no replica of slot " + slot);
            }
            if (epoch < knownEpoch) {
                throw new ReplicaSlots.Refused("slot " + slot + " is at epoch " + knownEpoch + ", not " + epoch);
            }
            return replica;
        };
    }

    ReplicationServer serve(ReplicationSettings s, TlsContext tls, ReplicaSlots slots) throws IOException {
        ReplicationServer started = new ReplicationServer(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), SECRET, tls, slots, s).start();
        closeAfter.add(started);
        return started;
    }

    static InetSocketAddress at(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    ReplicaLink link(int port, long epoch) throws IOException {
        ReplicaLink link = ReplicationClient.open(at(port), SLOT, epoch, "node-a", SECRET, null, settings);
        closeAfter.add(link);
        return link;
    }

    ReplicaLink link() throws IOException {
        return link(server.port(), 1);
    }

    static MessageContent mail(String subject, String body) {
        return MessageContent.of(("From: Sender <s@example.com>\r\nTo: r@example.org\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + subject.hashCode() + "@x>\r\n\r\n" + body + "\r\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    void everyKindOfChange(SlotStore s) {
        s.createAccount(ALICE);
        s.createAccount(BOB);
        long inbox = s.mailbox(ALICE, "INBOX").orElseThrow().id();
        AppendResult a = s.append(ALICE, "INBOX", mail("apple", "zebra crossing"), Set.of("\\Seen"), DATE, 0);
        AppendResult b = s.append(ALICE, "INBOX", mail("re: apple", "quince"), Set.of(), DATE, 0);
        s.deliver(mail("shared", "to both"), DATE, List.of(new DeliveryTarget(ALICE, 0), new DeliveryTarget(BOB, 0)));
        s.storeFlags(inbox, List.of(a.uid(), b.uid()), FlagOp.ADD, Set.of("\\Flagged", "$Work"));
        s.createMailbox(ALICE, "Projects/2026", SpecialUse.NONE);
        s.copy(inbox, List.of(a.uid()), s.mailbox(ALICE, "Projects/2026").orElseThrow().id(), 0);
        s.move(inbox, List.of(b.uid()), s.mailbox(ALICE, "Archive").orElseThrow().id(), 0);
        s.renameMailbox(ALICE, "Projects", "Work");
        s.expunge(inbox, List.of(a.uid()));
        s.restore(ALICE, DATE);
        s.createMailbox(BOB, "Old", SpecialUse.NONE);
        s.deleteMailbox(BOB, "Old");
        s.purgeExpunged(Instant.now().plus(Duration.ofDays(30)));
    }

    static void shipAll(SlotStore from, ReplicaLink link) throws IOException {
        ReplicationClient.catchUp(from, link, from.lastChangeSeq(), 100);
    }

    @Test
    void aWorkloadShippedOverTheLinkLeavesAnIdenticalCopy() throws IOException {
        everyKindOfChange(master);
        ReplicaLink link = link();
        assertThat(link.replicaSeq()).isZero();
        assertThat(ReplicationClient.catchUp(master, link, master.lastChangeSeq(), 3)).isEqualTo(master.lastChangeSeq());
        assertThat(replica.contentDigest()).isEqualTo(master.contentDigest());

        // then in step, each commit shipped as the commit path does
        Random random = new Random(11);
        long inbox = master.mailbox(ALICE, "INBOX").orElseThrow().id();
        for (int round = 0; round < 30; round++) {
            List<Long> uids = master.messages(inbox).stream().map(MessageMeta::uid).toList();
            switch (uids.isEmpty() ? 0 : random.nextInt(4)) {
                case 0 -> master.append(ALICE, "INBOX", mail("m" + round, "text " + round), Set.of(), DATE, 0);
                case 1 -> master.storeFlags(inbox, List.of(uids.get(random.nextInt(uids.size()))), FlagOp.REPLACE,
                        Set.of(random.nextBoolean() ? "\\Seen" : "\\Answered"));
                case 2 -> master.expunge(inbox, List.of(uids.get(random.nextInt(uids.size()))));
                default -> master.copy(inbox, List.of(uids.getFirst()),
                        master.mailbox(ALICE, "Archive").orElseThrow().id(), 0);
            }
            link.ship(master, master.changesSince(link.replicaSeq(), 100));
            assertThat(link.replicaSeq()).isEqualTo(master.lastChangeSeq());
            assertThat(replica.contentDigest()).as("after round " + round).isEqualTo(master.contentDigest());
        }
        link.ship(master, List.of()); // a round trip
        assertThat(replica.verify().problems()).isEmpty();
    }

    @Test
    void aQueuedMessageTravelsWithItsBodyAndIsVerifiedOnArrival() throws IOException {
        long id = master.submit(ALICE, "alice@example.com", List.of("bob@example.org"), mail("out", "queued only"),
                DATE, DATE.plus(Duration.ofDays(5)), 0, false);
        String body = master.outbound(id).orElseThrow().blobHash();
        shipAll(master, link());
        assertThat(replica.hasBody(body)).isTrue();
        assertThat(replica.outbound(id)).isEqualTo(master.outbound(id)).isPresent();
        assertThat(replica.contentDigest()).isEqualTo(master.contentDigest());
        assertThat(replica.checkBodies().damaged()).isEmpty();
    }

    @Test
    void aNewLinkResumesFromTheReplicasSeqAndSendsNothingTwice() throws IOException {
        master.createAccount(ALICE);
        for (int i = 0; i < 3; i++) {
            master.append(ALICE, "INBOX", mail("before " + i, "body " + i), Set.of(), DATE, 0);
        }
        try (ReplicaLink first = link()) {
            shipAll(master, first);
        }
        long reached = replica.lastChangeSeq();
        assertThat(reached).isEqualTo(master.lastChangeSeq());
        master.append(ALICE, "INBOX", mail("after", "new body"), Set.of(), DATE, 0);
        master.append(ALICE, "INBOX", mail("before 0", "body 0"), Set.of(), DATE, 0); // a body the replica has

        AtomicInteger applied = new AtomicInteger();
        replica.addChangeListener(r -> applied.incrementAndGet());
        ReplicaLink second = link();
        assertThat(second.replicaSeq()).isEqualTo(reached);
        shipAll(master, second);
        assertThat(applied).hasValue((int) (master.lastChangeSeq() - reached));
        assertThat(replica.contentDigest()).isEqualTo(master.contentDigest());

        second.ship(master, master.changesSince(0, 100)); // everything again: skipped, harmless
        assertThat(applied).hasValue((int) (master.lastChangeSeq() - reached));
        assertThat(second.replicaSeq()).isEqualTo(master.lastChangeSeq());
    }

    @Test
    void aWrongSecretIsRefusedAndTheListenerServesOthers() throws IOException {
        assertThatThrownBy(() -> ReplicationClient.open(at(server.port()), SLOT, 1, "intruder",
                "not the cluster secret at all".getBytes(StandardCharsets.UTF_8), null, settings))
                .isInstanceOfSatisfying(ReplicationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.AUTH_FAILED));
        master.createAccount(ALICE);
        shipAll(master, link());
        assertThat(replica.contentDigest()).isEqualTo(master.contentDigest());
    }

    @Test
    void aRecordedSessionCannotBeReplayed() throws Exception {
        Proxy proxy = Proxy.recording(server.port());
        closeAfter.add(proxy);
        master.createAccount(ALICE);
        try (ReplicaLink link = link(proxy.port(), 1)) {
            assertThat(link.replicaSeq()).isZero();
        }
        byte[] recorded = proxy.recorded(); // HELLO, AUTH, OPEN exactly as the master sent them
        int helloAndAuth = 5 + frameLength(recorded, 0);
        helloAndAuth += 5 + frameLength(recorded, helloAndAuth);
        byte[] session = java.util.Arrays.copyOf(recorded, helloAndAuth);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(session);
            List<Frame> answers = readAll(s);
            assertThat(answers).hasSize(2).first().isInstanceOf(Frame.Challenge.class);
            assertThat(answers.getLast()).isInstanceOfSatisfying(Frame.Err.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.AUTH_FAILED));
        }
        assertThat(replica.lastChangeSeq()).isZero();
    }

    @Test
    void aStaleEpochOrAnotherSlotIsRefused() throws IOException {
        knownEpoch = 3;
        assertThatThrownBy(() -> link(server.port(), 2))
                .isInstanceOfSatisfying(ReplicationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.REFUSED))
                .hasMessageContaining("is at epoch 3, not 2");
        assertThatThrownBy(() -> ReplicationClient.open(at(server.port()), SLOT + 1, 3, "node-a", SECRET, null,
                settings)).hasMessageContaining("no replica of slot 8");

        master.createAccount(ALICE);
        ReplicaLink link = link(server.port(), 3);
        shipAll(master, link);
        long reached = replica.lastChangeSeq();
        knownEpoch = 4; // promoted elsewhere while the link was open
        master.createMailbox(ALICE, "Late", SpecialUse.NONE);
        assertThatThrownBy(() -> link.ship(master, master.changesSince(link.replicaSeq(), 100)))
                .isInstanceOfSatisfying(ReplicationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.REFUSED));
        assertThat(replica.lastChangeSeq()).isEqualTo(reached);
        assertThatThrownBy(() -> link.ship(master, List.of())).hasMessageContaining("broke earlier");
    }

    @Test
    void recordsFromALaterEpochThanTheLinksAreRefused() throws IOException {
        master.becomeMaster(5, null);
        master.createAccount(ALICE); // written at epoch 5
        ReplicaLink link = link(server.port(), 4);
        assertThatThrownBy(() -> shipAll(master, link))
                .isInstanceOfSatisfying(ReplicationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.REFUSED))
                .hasMessageContaining("after this link's epoch 4");
        assertThat(replica.lastChangeSeq()).isZero();
    }

    @Test
    void aReplicaThatNeedsAFullResyncSaysSo() throws IOException {
        master.createAccount(ALICE);
        master.createAccount(BOB);
        assertThat(master.lastChangeSeq()).isGreaterThan(3);
        ReplicaLink link = link();
        // the master's log no longer reaches back to the replica's seq
        assertThatThrownBy(() -> link.ship(master, master.changesSince(2, 100)))
                .isInstanceOfSatisfying(ReplicationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.RESYNC_NEEDED))
                .hasMessageContaining("full resync");
        assertThat(replica.lastChangeSeq()).isZero();
    }

    @Test
    void aReplicaWhoseLogDivergedFromTheMastersIsNotShippedOnTop() throws IOException {
        master.createAccount(ALICE);
        shipAll(master, link());
        long reached = replica.lastChangeSeq();
        String digest = replica.contentDigest();

        // another copy promoted at epoch 2 without those changes, which has since written as many and more
        try (SlotStore other = SlotStore.open(dir.resolve("other"), SLOT, StoreSettings.defaults())) {
            other.becomeMaster(2, null);
            other.createAccount(BOB);
            other.createMailbox(BOB, "More", SpecialUse.NONE);
            assertThat(other.lastChangeSeq()).isGreaterThan(reached);
            knownEpoch = 2;
            ReplicaLink fromOther = link(server.port(), 2);
            assertThat(fromOther.replicaSeq()).isEqualTo(reached);
            assertThatThrownBy(() -> fromOther.ship(other, other.changesSince(fromOther.replicaSeq(), 100)))
                    .isInstanceOfSatisfying(ReplicationException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.RESYNC_NEEDED))
                    .hasMessageContaining("diverged");
        }
        // and one that is behind the replica
        try (SlotStore behind = SlotStore.open(dir.resolve("behind"), SLOT, StoreSettings.defaults())) {
            behind.becomeMaster(3, null);
            knownEpoch = 3;
            ReplicaLink fromBehind = link(server.port(), 3);
            assertThatThrownBy(() -> fromBehind.ship(behind, List.of()))
                    .isInstanceOfSatisfying(ReplicationException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.RESYNC_NEEDED))
                    .hasMessageContaining("ahead of this master");
        }
        assertThat(replica.lastChangeSeq()).isEqualTo(reached);
        assertThat(replica.contentDigest()).isEqualTo(digest);
    }

    @Test
    void aBodyDamagedInTransitIsRefusedAndNothingIsApplied() throws Exception {
        master.createAccount(ALICE);
        shipAll(master, link());
        long before = replica.lastChangeSeq();
        AppendResult a = master.append(ALICE, "INBOX", mail("tampered", "PAYLOAD-MARKER-17 and more"), Set.of(),
                DATE, 0);
        String hash = master.message(a.mailboxId(), a.uid()).orElseThrow().blobHash();

        Proxy proxy = Proxy.flipping(server.port(), "PAYLOAD-MARKER-17");
        closeAfter.add(proxy);
        ReplicaLink damaged = link(proxy.port(), 1);
        assertThatThrownBy(() -> damaged.ship(master, master.changesSince(damaged.replicaSeq(), 100)))
                .isInstanceOfSatisfying(ReplicationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BODY_REFUSED))
                .hasMessageContaining(hash);
        assertThat(replica.lastChangeSeq()).isEqualTo(before);
        assertThat(replica.hasBody(hash)).isFalse();

        shipAll(master, link()); // undamaged, it arrives
        assertThat(replica.hasBody(hash)).isTrue();
        assertThat(replica.contentDigest()).isEqualTo(master.contentDigest());
    }

    @Test
    void aReplicaThatNeverAnswersFailsTheShipWithinItsTimeout() throws IOException {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger asked = new AtomicInteger();
        ReplicationServer stuck = serve(settings, null, (slot, epoch) -> {
            if (asked.incrementAndGet() > 1) { // OPEN goes through; the first batch hangs, then is refused
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new ReplicaSlots.Refused("the test is over");
            }
            return replica;
        });
        closeAfter.add(release::countDown);
        master.createAccount(ALICE);
        ReplicaLink link = ReplicationClient.open(at(stuck.port()), SLOT, 1, "node-a", SECRET, null,
                settings.withReplyTimeout(Duration.ofSeconds(1)));
        closeAfter.add(link);
        long start = System.nanoTime();
        assertThatThrownBy(() -> shipAll(master, link)).hasMessageContaining("did not answer within 1000 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aReplicaThatStopsReadingFailsTheShipWithinItsTimeout() throws Exception {
        master.createAccount(ALICE);
        StringBuilder big = new StringBuilder();
        String line = "x".repeat(76) + "\r\n";
        while (big.length() < 8 << 20) {
            big.append(line);
        }
        master.append(ALICE, "INBOX", mail("big", big.toString()), Set.of(), DATE, 0);
        Proxy proxy = Proxy.stallingAfterSend(server.port());
        closeAfter.add(proxy);
        ReplicaLink link = ReplicationClient.open(at(proxy.port()), SLOT, 1, "node-a", SECRET, null,
                settings.withReplyTimeout(Duration.ofSeconds(1)));
        closeAfter.add(link);
        long start = System.nanoTime();
        assertThatThrownBy(() -> shipAll(master, link)).hasMessageContaining("stopped reading for more than 1000 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
    }

    @Test
    void tooManyLinksAreTurnedAwayWithAReason() throws Exception {
        ReplicationServer small = serve(new ReplicationSettings(1_000, 1 << 20, 1L << 20, Duration.ofSeconds(2),
                Duration.ofSeconds(10), 1, Duration.ofSeconds(1), Duration.ofSeconds(2)), null, slots());
        try (Socket idle = new Socket(InetAddress.getLoopbackAddress(), small.port())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (small.connections() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThatThrownBy(() -> ReplicationClient.open(at(small.port()), SLOT, 1, "node-a", SECRET, null,
                    settings)).isInstanceOfSatisfying(ReplicationException.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.BUSY));
        }
    }

    @Test
    void garbageAndOversizedFramesGetAnErrAndTheListenerStaysUp() throws Exception {
        master.createAccount(ALICE);
        shipAll(master, link());
        long seq = replica.lastChangeSeq();
        String digest = replica.contentDigest();

        // before the handshake: an unknown type, a bad magic, an oversized frame, silence
        assertThat(rawExchange(false, new byte[] {0x55, 0, 0, 0, 0})).isEqualTo(Reason.MALFORMED);
        byte[] badMagic = Frame.encode(new Frame.Hello(1, new byte[32]));
        badMagic[5] = 'X';
        assertThat(rawExchange(false, badMagic)).isEqualTo(Reason.MALFORMED);
        assertThat(rawExchange(false, new byte[] {Frame.HELLO, 0x7F, 0, 0, 0})).isEqualTo(Reason.TOO_LARGE);
        assertThat(rawExchange(false, Frame.encode(new Frame.Changes(List.of())))).isEqualTo(Reason.MALFORMED);
        long start = System.nanoTime();
        try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            silent.setSoTimeout(5000);
            assertThat(silent.getInputStream().read()).isIn(-1, Frame.ERR); // closed at the handshake deadline
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));

        // after it: a CHANGES frame over the batch limit is refused before its body is sent; a body over its limit;
        // a handshake frame again; a batch whose records do not follow each other
        byte[] huge = {Frame.CHANGES, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        assertThat(rawExchange(true, huge)).isEqualTo(Reason.TOO_LARGE);
        assertThat(rawExchange(true, Frame.encode(new Frame.Body(new byte[32], settings.maxBodyBytes() + 1))))
                .isEqualTo(Reason.TOO_LARGE);
        assertThat(rawExchange(true, Frame.encode(new Frame.Hello(1, new byte[32])))).isEqualTo(Reason.MALFORMED);
        ChangeRecord first = master.changesSince(0, 1).getFirst();
        ChangeRecord skipping = new ChangeRecord(first.seq() + 2, first.epoch(), first.kind(), first.payload(),
                first.crc32c());
        assertThat(rawExchange(true, Frame.encode(new Frame.Changes(List.of(first, skipping)))))
                .isEqualTo(Reason.MALFORMED);

        // random bytes, before and after a handshake: every connection ends, nothing is applied
        Random random = new Random(2026);
        for (int i = 0; i < 60; i++) {
            byte[] noise = new byte[1 + random.nextInt(i % 3 == 0 ? 5000 : 64)];
            random.nextBytes(noise);
            if (i % 4 == 1) {
                noise[0] = (byte) (random.nextBoolean() ? Frame.CHANGES : Frame.BODY);
            }
            rawExchange(i % 2 == 0, noise);
        }
        assertThat(replica.lastChangeSeq()).isEqualTo(seq);
        assertThat(replica.contentDigest()).isEqualTo(digest);

        master.createMailbox(ALICE, "Still", SpecialUse.NONE);
        shipAll(master, link());
        assertThat(replica.contentDigest()).isEqualTo(master.contentDigest());
    }

    @Test
    void overTlsWithASelfSignedCertificate() throws IOException {
        TlsContext tls = TlsContext.selfSigned(dir.resolve("tls"), "replica.test");
        ReplicationServer secure = serve(settings, tls, slots());
        everyKindOfChange(master);
        ReplicaLink link = ReplicationClient.open(at(secure.port()), SLOT, 1, "node-a", SECRET,
                ReplicationClient.trusting(tls.certificate()), settings);
        closeAfter.add(link);
        shipAll(master, link);
        assertThat(replica.contentDigest()).isEqualTo(master.contentDigest());

        assertThatThrownBy(() -> ReplicationClient.open(at(secure.port()), SLOT, 1, "node-a", SECRET, null, settings))
                .isInstanceOf(IOException.class);
        TlsContext other = TlsContext.selfSigned(dir.resolve("other-tls"), "someone.else");
        assertThatThrownBy(() -> ReplicationClient.open(at(secure.port()), SLOT, 1, "node-a", SECRET,
                ReplicationClient.trusting(other.certificate()), settings)).hasMessageContaining("TLS");
    }

    /**
     * Sends {@code bytes} on a new connection (after a valid handshake and OPEN when {@code handshake}), ends the
     * output, and reads what comes back until the server closes: the reason of its ERR, or null when it closed
     * without one. Fails if the server neither answers nor closes within 5 s.
     */
    Reason rawExchange(boolean handshake, byte[] bytes) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(5000);
            if (handshake) {
                FrameChannel ch = new FrameChannel(s.getInputStream(), s.getOutputStream());
                Handshake hs = new Handshake(SECRET);
                byte[] nonce = hs.nonce();
                ch.write(new Frame.Hello(Handshake.VERSION, nonce));
                Frame.Challenge c = (Frame.Challenge) ch.read(t -> Frame.MAX_CONTROL_BYTES);
                ch.write(new Frame.Auth(hs.clientProof(nonce, c.nonce(), new byte[0])));
                assertThat(ch.read(t -> Frame.MAX_CONTROL_BYTES)).isInstanceOf(Frame.AuthOk.class);
                ch.write(new Frame.Open(SLOT, 1, "fuzzer"));
                assertThat(ch.read(t -> Frame.MAX_CONTROL_BYTES)).isInstanceOf(Frame.Pos.class);
            }
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            try {
                s.shutdownOutput();
            } catch (IOException alreadyClosed) {
                // the server answered and closed before we finished
            }
            List<Frame> answers = readAll(s);
            return answers.isEmpty() || !(answers.getLast() instanceof Frame.Err err) ? null : err.reason();
        }
    }

    static int frameLength(byte[] bytes, int at) {
        return java.nio.ByteBuffer.wrap(bytes, at + 1, 4).getInt();
    }

    /** Every frame the peer sends until it closes; a frame cut by the close ends the list. */
    static List<Frame> readAll(Socket s) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] chunk = new byte[4096];
        try {
            for (int n; (n = in.read(chunk)) >= 0; ) {
                buf.write(chunk, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server neither answered nor closed within 5 s", e);
        } catch (IOException reset) {
            // closed with unread input: a reset after its last frame
        }
        List<Frame> frames = new ArrayList<>();
        FrameChannel ch = new FrameChannel(new java.io.ByteArrayInputStream(buf.toByteArray()), OutputStreamSink.INSTANCE);
        try {
            for (Frame f; (f = ch.read(t -> Frame.MAX_CONTROL_BYTES)) != null; ) {
                frames.add(f);
            }
        } catch (IOException cut) {
            // a partial frame at the end
        }
        return frames;
    }

    /** Nowhere to write: {@link #readAll} only reads. */
    static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }
    }
}
