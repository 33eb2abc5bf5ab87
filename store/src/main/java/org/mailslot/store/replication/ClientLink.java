package org.mailslot.store.replication;

import java.io.IOException;
import java.io.InputStream;
import org.mailslot.core.net.WatchedOutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.mailslot.store.BodyCheck;
import org.mailslot.store.ChangeRecord;
import org.mailslot.store.CopyDigest;
import org.mailslot.store.DamagedBody;
import org.mailslot.store.SlotStore;
import org.mailslot.store.StoreException;
import org.mailslot.store.replication.ReplicationException.Reason;

/**
 * The master's end of one link ({@link ReplicationProtocol}): handshake and OPEN in {@link #open}, then bodies and
 * batches in {@link #ship}, or a full resync's first step in {@link #reset}. A watchdog thread closes the socket when a
 * write stays blocked longer than the reply timeout (socket writes have no timeout of their own). The first failure
 * breaks the link for good.
 */
final class ClientLink implements ReplicaLink {
    private final Socket socket;
    private final String replica;
    private final ReplicationSettings settings;
    private final WatchedOutputStream output;
    private final FrameChannel channel;
    private final Thread watchdog;
    private int slotId;
    private Frame.AuthOk limits;
    private long replicaSeq;
    private long replicaLastEpoch;
    private boolean logsChecked;
    private volatile boolean broken;
    private volatile boolean stalled;

    ClientLink(Socket socket, String replica, ReplicationSettings settings) throws IOException {
        this.socket = socket;
        this.replica = replica;
        this.settings = settings;
        this.output = new WatchedOutputStream(socket.getOutputStream());
        this.channel = new FrameChannel(socket.getInputStream(), output);
        this.watchdog = Thread.ofVirtual().name("replication-link-watchdog").start(this::watchWrites);
    }

    /** Authenticates both ways and opens {@code slotId} at {@code epoch}; throws (and closes) on any failure. */
    void open(Handshake handshake, int slotId, long epoch, String senderNode) throws IOException {
        this.slotId = slotId;
        try {
            byte[] clientNonce = handshake.nonce();
            channel.write(new Frame.Hello(Handshake.VERSION, clientNonce));
            Frame.Challenge challenge = expect(Frame.Challenge.class, "CHALLENGE");
            if (challenge.version() != Handshake.VERSION) {
                throw new ReplicationException(Reason.VERSION, "replica " + replica + " chose protocol version "
                        + challenge.version() + ", this node speaks " + Handshake.VERSION);
            }
            byte[] binding = Handshake.binding(socket);
            channel.write(new Frame.Auth(handshake.clientProof(clientNonce, challenge.nonce(), binding)));
            Frame.AuthOk ok = expect(Frame.AuthOk.class, "AUTH_OK");
            if (!Handshake.matches(handshake.serverProof(clientNonce, challenge.nonce(), binding), ok.proof())) {
                throw new ReplicationException(Reason.AUTH_FAILED, "replica " + replica
                        + " did not prove it knows the cluster secret: nothing is shipped to it");
            }
            limits = ok;
            channel.write(new Frame.Open(slotId, epoch, senderNode));
            Frame f = reply();
            if (f instanceof Frame.Refused refused) {
                throw new ReplicationException(Reason.REFUSED, "replica " + replica + " refused slot " + slotId
                        + " at epoch " + epoch + ": " + refused.reason());
            }
            if (!(f instanceof Frame.Pos pos)) {
                throw unexpected(f, "POS");
            }
            replicaSeq = pos.lastSeq();
            replicaLastEpoch = pos.lastEpoch();
        } catch (IOException | RuntimeException e) {
            close();
            throw describe(e);
        }
    }

    @Override
    public long replicaSeq() {
        return replicaSeq;
    }

    /**
     * Also a round trip when {@code records} is empty (the replica re-checks the epoch and answers its seq), which a
     * master of a quiet slot can use to keep the link within the replica's idle timeout.
     */
    @Override
    public void ship(SlotStore master, List<ChangeRecord> records) throws IOException {
        if (broken) {
            throw new IOException("the link to replica " + replica + " for slot " + slotId
                    + " broke earlier; open a new one");
        }
        try {
            if (!logsChecked) {
                checkLogsAgree(master);
                logsChecked = true;
            }
            for (Map.Entry<String, Long> body : BodyRefs.of(records).entrySet()) {
                offer(master, body.getKey(), body.getValue());
            }
            if (records.isEmpty()) {
                send(records);
            }
            for (List<ChangeRecord> part : split(records)) {
                send(part);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw describe(e);
        }
    }

    @Override
    public void reset() throws IOException {
        if (broken) {
            throw new IOException("the link to replica " + replica + " for slot " + slotId
                    + " broke earlier; open a new one");
        }
        try {
            channel.write(new Frame.Reset());
            Frame.Ack ack = expect(Frame.Ack.class, "ACK");
            if (ack.lastSeq() != 0) {
                throw new IOException("replica " + replica + " is at seq " + ack.lastSeq() + " after a reset, not 0");
            }
            replicaSeq = 0;
            replicaLastEpoch = -1;
            logsChecked = true; // an empty copy holds no history to disagree with
        } catch (IOException | RuntimeException e) {
            close();
            throw describe(e);
        }
    }

    @Override
    public CopyDigest digest() throws IOException {
        return call(() -> {
            channel.write(new Frame.Digest(progressMillis()));
            TreeMap<Long, String> mailboxes = new TreeMap<>();
            while (true) {
                switch (reply()) {
                    case Frame.Signal s when s.type() == Frame.WORKING -> { }
                    case Frame.Mailboxes m -> m.entries().forEach(e ->
                            mailboxes.put(e.mailboxId(), HexFormat.of().formatHex(e.digest())));
                    case Frame.Digested d -> {
                        if (d.mailboxes() != mailboxes.size()) {
                            throw new ProtocolException(Reason.MALFORMED, "replica " + replica + " sent "
                                    + mailboxes.size() + " distinct mailbox digests and announced " + d.mailboxes());
                        }
                        return new CopyDigest(d.seq(), HexFormat.of().formatHex(d.content()), mailboxes);
                    }
                    case Frame f -> throw unexpected(f, "MAILBOXES or DIGESTED");
                }
            }
        });
    }

    @Override
    public BodyCheck checkBodies() throws IOException {
        return call(() -> {
            channel.write(new Frame.Check(progressMillis()));
            List<DamagedBody> damaged = new ArrayList<>();
            while (true) {
                switch (reply()) {
                    case Frame.Signal s when s.type() == Frame.WORKING -> { }
                    case Frame.Damaged d -> d.entries().forEach(e -> damaged.add(new DamagedBody(
                            HexFormat.of().formatHex(e.hash()), e.size(),
                            e.kind() == 1 ? DamagedBody.Kind.MISSING : DamagedBody.Kind.CORRUPTED)));
                    case Frame.Checked c -> {
                        if (c.damaged() != damaged.size()) {
                            throw new ProtocolException(Reason.MALFORMED, "replica " + replica + " sent "
                                    + damaged.size() + " damaged bodies and announced " + c.damaged());
                        }
                        return new BodyCheck(c.checked(), damaged);
                    }
                    case Frame f -> throw unexpected(f, "DAMAGED or CHECKED");
                }
            }
        });
    }

    @Override
    public void repairBody(SlotStore master, String hash) throws IOException {
        call(() -> {
            long size = master.bodySize(hash);
            if (size < 0) {
                throw new IOException("the master has no body " + hash + " to repair the replica's with");
            }
            if (size > limits.maxBodyBytes()) {
                throw new ReplicationException(Reason.TOO_LARGE, "body " + hash + " of " + size + " bytes is over"
                        + " replica " + replica + "'s replication.max-body-bytes (" + limits.maxBodyBytes() + ")");
            }
            channel.write(new Frame.Repair(rawHash(hash), size));
            Frame answer = reply();
            if (!isSignal(answer, Frame.SEND)) {
                throw unexpected(answer, "SEND");
            }
            try (InputStream in = master.openBody(hash)) {
                channel.writeRaw(in, size, "body " + hash + " on the master");
            }
            Frame stored = reply();
            if (!isSignal(stored, Frame.STORED)) {
                throw unexpected(stored, "STORED");
            }
            return null;
        });
    }

    @Override
    public boolean fetchBody(SlotStore master, String hash) throws IOException {
        return call(() -> {
            channel.write(new Frame.Fetch(rawHash(hash)));
            Frame answer = reply();
            if (isSignal(answer, Frame.MISSING)) {
                return false;
            }
            if (!(answer instanceof Frame.Body body)) {
                throw unexpected(answer, "BODY or MISSING");
            }
            if (!HexFormat.of().formatHex(body.hash()).equals(hash)) {
                throw new ProtocolException(Reason.MALFORMED, "replica " + replica + " answered a FETCH of " + hash
                        + " with body " + HexFormat.of().formatHex(body.hash()));
            }
            if (body.size() > settings.maxBodyBytes()) {
                throw new ReplicationException(Reason.TOO_LARGE, "replica " + replica + " offers body " + hash + " of "
                        + body.size() + " bytes, over replication.max-body-bytes (" + settings.maxBodyBytes() + ")");
            }
            FrameChannel.RawInput bytes = channel.rawInput(body.size());
            try {
                master.receiveBody(hash, bytes);
            } catch (StoreException e) {
                if (bytes.failure() != null) {
                    throw bytes.failure(); // the connection failed, not the body
                }
                throw new IOException("body " + hash + " from replica " + replica + " refused: " + e.getMessage(), e);
            }
            return true;
        });
    }

    /** What a WORKING frame must come within: half the reply timeout, so that a long check never looks silent. */
    private int progressMillis() {
        return (int) Math.clamp(settings.replyTimeout().toMillis() / 2, 1, Frame.MAX_PROGRESS_MILLIS);
    }

    private static byte[] rawHash(String hash) throws IOException {
        try {
            byte[] raw = HexFormat.of().parseHex(hash);
            if (raw.length == Frame.HASH_BYTES) {
                return raw;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IOException("'" + hash + "' is not a SHA-256");
    }

    @FunctionalInterface
    private interface Exchange<T> {
        T run() throws IOException;
    }

    /** Runs one request and its answer; any failure breaks the link for good, as in {@link #ship}. */
    private <T> T call(Exchange<T> exchange) throws IOException {
        if (broken) {
            throw new IOException("the link to replica " + replica + " for slot " + slotId
                    + " broke earlier; open a new one");
        }
        try {
            return exchange.run();
        } catch (IOException | RuntimeException e) {
            close();
            throw describe(e);
        }
    }

    @Override
    public void close() {
        broken = true;
        watchdog.interrupt();
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /**
     * A replica whose last change was written at another epoch than the master's change of the same seq, or that is
     * ahead of the master, holds changes the master never had (a master that wrote and crashed before shipping was
     * replaced): applying more on top would hide that. Checked once per link, when the master's log still has it.
     */
    private void checkLogsAgree(SlotStore master) throws ReplicationException {
        if (replicaSeq == 0) {
            return;
        }
        long masterSeq = master.lastChangeSeq();
        if (replicaSeq > masterSeq) {
            throw new ReplicationException(Reason.RESYNC_NEEDED, "replica " + replica + " of slot " + slotId
                    + " is at seq " + replicaSeq + ", ahead of this master at " + masterSeq
                    + ": the logs diverged; it needs a full resync");
        }
        if (replicaLastEpoch < 0) {
            return;
        }
        List<ChangeRecord> at = master.changesSince(replicaSeq - 1, 1);
        if (!at.isEmpty() && at.getFirst().seq() == replicaSeq && at.getFirst().epoch() != replicaLastEpoch) {
            throw new ReplicationException(Reason.RESYNC_NEEDED, "replica " + replica + " of slot " + slotId
                    + " has change " + replicaSeq + " from epoch " + replicaLastEpoch + ", this master from epoch "
                    + at.getFirst().epoch() + ": the logs diverged; it needs a full resync");
        }
    }

    private void offer(SlotStore master, String hash, long size) throws IOException {
        byte[] raw;
        try {
            raw = HexFormat.of().parseHex(hash);
        } catch (IllegalArgumentException e) {
            throw new IOException("the master's log names a body '" + hash + "' that is not a SHA-256");
        }
        if (raw.length != Frame.HASH_BYTES) {
            throw new IOException("the master's log names a body '" + hash + "' that is not a SHA-256");
        }
        if (size > limits.maxBodyBytes()) {
            throw new ReplicationException(Reason.TOO_LARGE, "body " + hash + " of " + size + " bytes is over replica "
                    + replica + "'s replication.max-body-bytes (" + limits.maxBodyBytes() + ")");
        }
        channel.write(new Frame.Body(raw, size));
        Frame answer = reply();
        if (isSignal(answer, Frame.HAVE)) {
            return;
        }
        if (!isSignal(answer, Frame.SEND)) {
            throw unexpected(answer, "HAVE or SEND");
        }
        try (InputStream in = master.openBody(hash)) {
            channel.writeRaw(in, size, "body " + hash + " on the master");
        }
        Frame stored = reply();
        if (!isSignal(stored, Frame.STORED)) {
            throw unexpected(stored, "STORED");
        }
    }

    private static boolean isSignal(Frame f, int type) {
        return f instanceof Frame.Signal signal && signal.type() == type;
    }

    private void send(List<ChangeRecord> part) throws IOException {
        channel.write(new Frame.Changes(part));
        Frame.Ack ack = expect(Frame.Ack.class, "ACK");
        long last = part.isEmpty() ? 0 : part.getLast().seq();
        if (ack.lastSeq() < last) {
            throw new IOException("replica " + replica + " acknowledged seq " + ack.lastSeq()
                    + " after a batch up to " + last);
        }
        replicaSeq = ack.lastSeq();
    }

    /** The records in batches within the limits the replica announced. */
    private List<List<ChangeRecord>> split(List<ChangeRecord> records) throws ReplicationException {
        List<List<ChangeRecord>> parts = new ArrayList<>();
        List<ChangeRecord> part = new ArrayList<>();
        long bytes = 4;
        for (ChangeRecord r : records) {
            long size = Frame.Changes.recordLength(r);
            if (4 + size > limits.maxBatchBytes()) {
                throw new ReplicationException(Reason.TOO_LARGE, "change " + r.seq() + " takes " + size
                        + " bytes, over replica " + replica + "'s replication.max-batch-bytes ("
                        + limits.maxBatchBytes() + ")");
            }
            if (!part.isEmpty() && (part.size() == limits.maxBatchRecords() || bytes + size > limits.maxBatchBytes())) {
                parts.add(part);
                part = new ArrayList<>();
                bytes = 4;
            }
            part.add(r);
            bytes += size;
        }
        if (!part.isEmpty()) {
            parts.add(part);
        }
        return parts;
    }

    private <T extends Frame> T expect(Class<T> type, String name) throws IOException {
        Frame f = reply();
        if (!type.isInstance(f)) {
            throw unexpected(f, name);
        }
        return type.cast(f);
    }

    /** The replica's next frame; its ERR becomes a {@link ReplicationException} with its reason. */
    private Frame reply() throws IOException {
        Frame f = channel.read(type -> Frame.MAX_CONTROL_BYTES);
        if (f == null) {
            throw new IOException("replica " + replica + " closed the link");
        }
        if (f instanceof Frame.Err err) {
            throw new ReplicationException(err.reason(), "replica " + replica + ": " + err.text());
        }
        return f;
    }

    private ProtocolException unexpected(Frame f, String expected) {
        return new ProtocolException(Reason.MALFORMED, "replica " + replica + " sent " + Frame.name(f.type())
                + " where " + expected + " was expected");
    }

    /** The failure as the caller should see it: the replica's reason when it gave one, else what happened here. */
    private IOException describe(Exception e) {
        if (stalled) {
            return new IOException("replica " + replica + " stopped reading for more than "
                    + settings.replyTimeout().toMillis() + " ms (replication.reply-timeout); link closed", e);
        }
        return switch (e) {
            case ReplicationException r -> r;
            case ProtocolException p -> new ReplicationException(p.reason(), p.getMessage());
            case SocketTimeoutException t -> new IOException("replica " + replica + " did not answer within "
                    + settings.replyTimeout().toMillis() + " ms (replication.reply-timeout)", t);
            case IOException io -> new IOException("link to replica " + replica + " for slot " + slotId + " failed: "
                    + io.getMessage(), io);
            default -> new IOException("shipping slot " + slotId + " to replica " + replica + " failed: " + e, e);
        };
    }

    private void watchWrites() {
        long limit = settings.replyTimeout().toNanos();
        long period = Math.clamp(settings.replyTimeout().toMillis() / 4, 10, 1000);
        while (!broken) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            if (output.blockedNanos(System.nanoTime()) > limit) {
                stalled = true;
                try {
                    socket.close(); // the blocked write fails now
                } catch (IOException ignored) {
                    // already closed
                }
                return;
            }
        }
    }
}
