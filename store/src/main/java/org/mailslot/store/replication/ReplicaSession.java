package org.mailslot.store.replication;

import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

import org.mailslot.core.net.TlsContext;
import org.mailslot.store.BodyCheck;
import org.mailslot.store.ChangeRecord;
import org.mailslot.store.CopyDigest;
import org.mailslot.store.DamagedBody;
import org.mailslot.store.SlotStore;
import org.mailslot.store.StoreException;
import org.mailslot.store.replication.ReplicationException.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to the replica's listener, from accept to close: TLS, authentication, OPEN, then bodies and batches
 * for one slot (the replica's side of {@link ReplicationProtocol}). Every refusal is an ERR or REFUSED frame and one
 * log line; a stack trace is logged only for a fault of this node, and never sent.
 */
final class ReplicaSession {
    private static final Logger log = LoggerFactory.getLogger(ReplicaSession.class);

    private final String id;
    private final Socket socket;
    private final SocketAddress remote;
    private final Handshake handshake;
    private final TlsContext tls;
    private final ReplicaSlots slots;
    private final ReplicationSettings settings;
    private volatile boolean opened;
    private volatile boolean handshakeExpired;
    private FrameChannel channel;
    private Frame.Open link;
    private SlotStore copy;

    ReplicaSession(String id, Socket socket, Handshake handshake, TlsContext tls, ReplicaSlots slots,
                   ReplicationSettings settings) {
        this.id = id;
        this.socket = socket;
        this.remote = socket.getRemoteSocketAddress();
        this.handshake = handshake;
        this.tls = tls;
        this.slots = slots;
        this.settings = settings;
    }

    /** Serves the connection until it ends; {@code busy}: only tell the peer so and close. */
    void run(boolean busy) {
        Thread deadline = Thread.ofVirtual().name(id + "-handshake-deadline").start(this::expireHandshake);
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.setSoTimeout(Math.toIntExact(settings.handshakeTimeout().toMillis()));
            Socket s = socket;
            if (tls != null) {
                SSLSocket ssl = tls.wrap(socket);
                ssl.startHandshake();
                s = ssl;
            }
            channel = new FrameChannel(s.getInputStream(), s.getOutputStream());
            if (busy) {
                log.warn("replication {} from {}: refused: {} links are open already, all replication.max-connections"
                        + " allows", id, remote, settings.maxConnections());
                channel.read(type -> Frame.MAX_CONTROL_BYTES); // the HELLO, so that closing does not reset the ERR
                sendErr(Reason.BUSY, "too many replication links open on this node");
                return;
            }
            if (!authenticate(s) || !open()) {
                return;
            }
            opened = true;
            deadline.interrupt();
            socket.setSoTimeout(Math.toIntExact(Math.min(Integer.MAX_VALUE, settings.idleTimeout().toMillis())));
            serve();
        } catch (ProtocolException e) {
            switch (e.reason()) {
                case REFUSED, RESYNC_NEEDED, BODY_REFUSED, APPLY_FAILED -> log.warn("replication {} from {}{}: {}: {}",
                        id, remote, slotText(), e.reason().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                        e.getMessage());
                default -> log.info("replication {} from {}{}: {}; closing", id, remote, slotText(), e.getMessage());
            }
            sendErr(e.reason(), e.getMessage());
        } catch (SocketTimeoutException e) {
            String what = opened ? "idle for " + settings.idleTimeout() : "handshake slower than "
                    + settings.handshakeTimeout();
            log.info("replication {} from {}{}: {}; closing", id, remote, slotText(), what);
            sendErr(Reason.TIMEOUT, what);
        } catch (SSLException e) {
            log.info("replication {} from {}: TLS failed: {}", id, remote, e.getMessage());
        } catch (EOFException | SocketException e) {
            if (handshakeExpired) {
                log.info("replication {} from {}: handshake not done within {}; closed", id, remote,
                        settings.handshakeTimeout());
            } else {
                log.info("replication {} from {}{}: connection lost{}", id, remote, slotText(),
                        e.getMessage() == null ? " in the middle of a frame" : ": " + e.getMessage());
            }
        } catch (IOException e) {
            log.info("replication {} from {}{}: I/O error: {}", id, remote, slotText(), e.getMessage());
        } catch (RuntimeException e) {
            String incident = id + "-" + Long.toString(System.currentTimeMillis() % 100000, 36);
            log.error("replication {} from {}{}: internal error, incident {}", id, remote, slotText(), incident, e);
            sendErr(Reason.INTERNAL, "internal error, incident " + incident);
        } finally {
            deadline.interrupt();
            closeQuietly();
        }
    }

    private void expireHandshake() {
        try {
            Thread.sleep(settings.handshakeTimeout());
        } catch (InterruptedException e) {
            return;
        }
        if (!opened) {
            handshakeExpired = true;
            closeQuietly(); // a read blocked in TLS or in a trickling frame ends now
        }
    }

    private boolean authenticate(Socket s) throws IOException {
        Frame first = channel.read(type -> Frame.MAX_CONTROL_BYTES);
        if (first == null) {
            log.info("replication {} from {}: closed before HELLO", id, remote);
            return false;
        }
        if (!(first instanceof Frame.Hello hello)) {
            throw unexpected(first, "HELLO");
        }
        if (hello.version() < Handshake.VERSION) {
            log.info("replication {} from {}: speaks version {}, this node {}", id, remote, hello.version(),
                    Handshake.VERSION);
            sendErr(Reason.VERSION, "this replica speaks version " + Handshake.VERSION);
            return false;
        }
        byte[] serverNonce = handshake.nonce();
        channel.write(new Frame.Challenge(Handshake.VERSION, serverNonce));
        Frame second = channel.read(type -> Frame.MAX_CONTROL_BYTES);
        if (second == null) {
            log.info("replication {} from {}: closed before AUTH", id, remote);
            return false;
        }
        if (!(second instanceof Frame.Auth auth)) {
            throw unexpected(second, "AUTH");
        }
        byte[] binding = Handshake.binding(s);
        if (!Handshake.matches(handshake.clientProof(hello.nonce(), serverNonce, binding), auth.proof())) {
            log.warn("replication {} from {}: authentication failed (wrong cluster secret{})", id, remote,
                    tls == null ? "" : ", or a TLS connection relayed by someone else");
            sendErr(Reason.AUTH_FAILED, "authentication failed");
            return false;
        }
        channel.write(new Frame.AuthOk(handshake.serverProof(hello.nonce(), serverNonce, binding),
                settings.maxBatchRecords(), settings.maxBatchBytes(), settings.maxBodyBytes()));
        return true;
    }

    private boolean open() throws IOException {
        Frame f = channel.read(type -> Frame.MAX_CONTROL_BYTES);
        if (f == null) {
            log.info("replication {} from {}: closed before OPEN", id, remote);
            return false;
        }
        if (!(f instanceof Frame.Open o)) {
            throw unexpected(f, "OPEN");
        }
        link = o;
        try {
            copy = slots.replicaCopy(o.slotId(), o.epoch());
        } catch (ReplicaSlots.Refused r) {
            log.warn("replication {} from {}: {} refused slot {} at epoch {}: {}", id, remote, o.senderNode(), o.slotId(),
                    o.epoch(), r.getMessage());
            channel.write(new Frame.Refused(Frame.cut(r.getMessage())));
            return false;
        }
        long last = copy.lastChangeSeq();
        channel.write(new Frame.Pos(last, epochAt(copy, last)));
        log.info("replication {} from {}: {} ships slot {} at epoch {}; this copy is at seq {}", id, remote,
                o.senderNode(), o.slotId(), o.epoch(), last);
        return true;
    }

    private void serve() throws IOException {
        while (true) {
            Frame f = channel.read(type -> type == Frame.CHANGES ? settings.maxBatchBytes() : Frame.MAX_CONTROL_BYTES);
            switch (f) {
                case null -> {
                    log.info("replication {} from {}{}: closed by the master", id, remote, slotText());
                    return;
                }
                case Frame.Body body -> receive(body);
                case Frame.Changes changes -> apply(changes.records());
                case Frame.Reset ignored -> reset();
                case Frame.Digest d -> digest(d.progressMillis());
                case Frame.Check c -> check(c.progressMillis());
                case Frame.Repair r -> repair(r);
                case Frame.Fetch fetch -> fetch(fetch);
                default -> throw new ProtocolException(Reason.MALFORMED, Frame.name(f.type())
                        + " is not allowed on an open link");
            }
        }
    }

    private void receive(Frame.Body body) throws IOException {
        String hash = HexFormat.of().formatHex(body.hash());
        if (body.size() > settings.maxBodyBytes()) {
            throw new ProtocolException(Reason.TOO_LARGE, "body " + hash + " of " + body.size()
                    + " bytes is over replication.max-body-bytes (" + settings.maxBodyBytes() + ")");
        }
        if (copy.hasBody(hash)) {
            channel.write(new Frame.Signal(Frame.HAVE));
            return;
        }
        channel.write(new Frame.Signal(Frame.SEND));
        FrameChannel.RawInput bytes = channel.rawInput(body.size());
        try {
            copy.receiveBody(hash, bytes);
        } catch (StoreException e) {
            if (bytes.failure() != null) {
                throw bytes.failure(); // the connection failed, not the body
            }
            throw new ProtocolException(Reason.BODY_REFUSED, e.getMessage());
        }
        channel.write(new Frame.Signal(Frame.STORED));
    }

    private void apply(List<ChangeRecord> records) throws IOException {
        if (records.size() > settings.maxBatchRecords()) {
            throw new ProtocolException(Reason.TOO_LARGE, records.size()
                    + " records in one batch, over replication.max-batch-records (" + settings.maxBatchRecords() + ")");
        }
        try {
            copy = slots.replicaCopy(link.slotId(), link.epoch()); // the epoch may have moved on since OPEN
        } catch (ReplicaSlots.Refused r) {
            throw new ProtocolException(Reason.REFUSED, r.getMessage());
        }
        for (int i = 0; i < records.size(); i++) {
            ChangeRecord r = records.get(i);
            if (r.epoch() > link.epoch()) {
                throw new ProtocolException(Reason.REFUSED, "change " + r.seq() + " is from epoch " + r.epoch()
                        + ", after this link's epoch " + link.epoch());
            }
            if (i > 0 && r.seq() != records.get(i - 1).seq() + 1) {
                throw new ProtocolException(Reason.MALFORMED, "change " + r.seq() + " follows change "
                        + records.get(i - 1).seq() + " in one batch");
            }
        }
        long last = copy.lastChangeSeq();
        if (!records.isEmpty() && records.getLast().seq() > last && records.getFirst().seq() > last + 1) {
            throw new ProtocolException(Reason.RESYNC_NEEDED, "the replica of slot " + link.slotId() + " is at seq "
                    + last + ", the batch continues at " + records.getFirst().seq() + ": it needs a full resync");
        }
        try {
            copy.applyChanges(records);
        } catch (StoreException e) {
            if (e.reason() == StoreException.Reason.NOT_MASTER) { // the copy is not (or no longer) a replica here
                throw new ProtocolException(Reason.REFUSED, e.getMessage());
            }
            boolean resync = e.getMessage() != null && e.getMessage().contains("full resync");
            throw new ProtocolException(resync ? Reason.RESYNC_NEEDED : Reason.APPLY_FAILED, e.getMessage());
        }
        channel.write(new Frame.Ack(copy.lastChangeSeq()));
    }

    /** Empties the copy for a full resync (section 5 of {@link ReplicationProtocol}) and answers its seq, 0. */
    private void reset() throws IOException {
        try {
            copy = slots.replicaCopy(link.slotId(), link.epoch());
        } catch (ReplicaSlots.Refused r) {
            throw new ProtocolException(Reason.REFUSED, r.getMessage());
        }
        long before = copy.lastChangeSeq();
        try {
            copy.resetForResync();
        } catch (StoreException e) {
            throw new ProtocolException(e.reason() == StoreException.Reason.NOT_MASTER ? Reason.REFUSED
                    : Reason.APPLY_FAILED, "reset of slot " + link.slotId() + " refused: " + e.getMessage());
        }
        log.warn("replication {} from {}{}: copy emptied for a full resync at epoch {}; its {} changes are"
                + " discarded, the master's whole log follows", id, remote, slotText(), link.epoch(), before);
        channel.write(new Frame.Ack(copy.lastChangeSeq()));
    }

    /** Answers DIGEST (section 6 of {@link ReplicationProtocol}): MAILBOXES frames, then DIGESTED. */
    private void digest(int progressMillis) throws IOException {
        CopyDigest digest = working(copy::copyDigest, progressMillis);
        List<Frame.MailboxDigest> page = new ArrayList<>();
        for (Map.Entry<Long, String> e : digest.mailboxes().entrySet()) {
            page.add(new Frame.MailboxDigest(e.getKey(), HexFormat.of().parseHex(e.getValue())));
            if (page.size() == Frame.MAX_ENTRIES) {
                channel.write(new Frame.Mailboxes(page));
                page = new ArrayList<>();
            }
        }
        if (!page.isEmpty()) {
            channel.write(new Frame.Mailboxes(page));
        }
        channel.write(new Frame.Digested(digest.seq(), HexFormat.of().parseHex(digest.content()),
                digest.mailboxes().size()));
    }

    /** Answers CHECK: DAMAGED frames, then CHECKED. */
    private void check(int progressMillis) throws IOException {
        BodyCheck check = working(copy::checkBodies, progressMillis);
        List<Frame.DamagedEntry> page = new ArrayList<>();
        for (DamagedBody d : check.damaged()) {
            page.add(new Frame.DamagedEntry(HexFormat.of().parseHex(d.hash()), d.size(),
                    d.kind() == DamagedBody.Kind.MISSING ? 1 : 2));
            if (page.size() == Frame.MAX_ENTRIES) {
                channel.write(new Frame.Damaged(page));
                page = new ArrayList<>();
            }
        }
        if (!page.isEmpty()) {
            channel.write(new Frame.Damaged(page));
        }
        if (!check.damaged().isEmpty()) {
            log.warn("replication {} from {}{}: scrub found {} damaged bodies on this copy, of {} checked", id, remote,
                    slotText(), check.damaged().size(), check.checked());
        }
        channel.write(new Frame.Checked(check.checked(), check.damaged().size()));
    }

    /**
     * Runs a long read of the copy on another thread and sends WORKING every {@code progressMillis} until it is done,
     * so that the master's reply timeout measures silence, not the size of the slot.
     */
    private <T> T working(Supplier<T> work, int progressMillis) throws IOException {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofVirtual().name(id + "-scrub").start(() -> {
            try {
                result.complete(work.get());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        while (true) {
            try {
                return result.get(progressMillis, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                channel.write(new Frame.Signal(Frame.WORKING));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while the copy was read for a scrub");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r; // a fault of this copy: logged with an incident id, ERR INTERNAL
                }
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    /** A good body from the master replaces a damaged or missing one here, if it hashes to its name. */
    private void repair(Frame.Repair repair) throws IOException {
        String hash = HexFormat.of().formatHex(repair.hash());
        if (repair.size() > settings.maxBodyBytes()) {
            throw new ProtocolException(Reason.TOO_LARGE, "body " + hash + " of " + repair.size()
                    + " bytes is over replication.max-body-bytes (" + settings.maxBodyBytes() + ")");
        }
        channel.write(new Frame.Signal(Frame.SEND));
        FrameChannel.RawInput bytes = channel.rawInput(repair.size());
        try {
            copy.receiveBody(hash, bytes);
        } catch (StoreException e) {
            if (bytes.failure() != null) {
                throw bytes.failure();
            }
            throw new ProtocolException(Reason.BODY_REFUSED, e.getMessage());
        }
        log.warn("replication {} from {}{}: body {} repaired by a scrub from the master's copy", id, remote, slotText(),
                hash);
        channel.write(new Frame.Signal(Frame.STORED));
    }

    /** Sends this copy's body to the master, whose own is damaged or missing; MISSING when there is none here. */
    private void fetch(Frame.Fetch fetch) throws IOException {
        String hash = HexFormat.of().formatHex(fetch.hash());
        long size = copy.bodySize(hash);
        InputStream in = null;
        if (size >= 0) {
            try {
                in = copy.openBody(hash);
            } catch (StoreException e) {
                in = null; // removed meanwhile
            }
        }
        if (in == null) {
            channel.write(new Frame.Signal(Frame.MISSING));
            return;
        }
        try (InputStream body = in) {
            channel.write(new Frame.Body(fetch.hash(), size));
            channel.writeRaw(body, size, "body " + hash + " on the replica");
        }
        log.info("replication {} from {}{}: body {} sent for a scrub's repair of the master's copy", id, remote,
                slotText(), hash);
    }

    /** The epoch of the copy's change record at {@code seq}, or -1 when it has none there to show. */
    static long epochAt(SlotStore copy, long seq) {
        if (seq <= 0) {
            return -1;
        }
        List<ChangeRecord> at = copy.changesSince(seq - 1, 1);
        return !at.isEmpty() && at.getFirst().seq() == seq ? at.getFirst().epoch() : -1;
    }

    private static ProtocolException unexpected(Frame f, String expected) {
        return new ProtocolException(Reason.MALFORMED, Frame.name(f.type()) + " where " + expected
                + " was expected");
    }

    private String slotText() {
        Frame.Open o = link;
        return o == null ? "" : " (slot " + o.slotId() + ", " + o.senderNode() + ")";
    }

    private void sendErr(Reason reason, String text) {
        if (channel == null) {
            return;
        }
        try {
            channel.write(new Frame.Err(reason, Frame.cut(text)));
        } catch (IOException ignored) {
            // the peer is gone: the log line above is all there is
        }
    }

    private void closeQuietly() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
