package org.mailslot.store.replication;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.mailslot.store.ChangeRecord;
import org.mailslot.store.replication.ReplicationException.Reason;

/**
 * The frames of {@link ReplicationProtocol}, with their bodies' encoding and decoding: bytes in, a frame out, no
 * sockets. Decoding checks every field against the limits of the protocol and that the fields fill the body exactly.
 */
sealed interface Frame {
    int HELLO = 0x01;
    int CHALLENGE = 0x02;
    int AUTH = 0x03;
    int AUTH_OK = 0x04;
    int OPEN = 0x05;
    int POS = 0x06;
    int REFUSED = 0x07;
    int BODY = 0x10;
    int HAVE = 0x11;
    int SEND = 0x12;
    int STORED = 0x13;
    int MISSING = 0x14;
    int CHANGES = 0x20;
    int ACK = 0x21;
    int RESET = 0x30;
    int DIGEST = 0x40;
    int MAILBOXES = 0x41;
    int DIGESTED = 0x42;
    int CHECK = 0x43;
    int DAMAGED = 0x44;
    int CHECKED = 0x45;
    int WORKING = 0x46;
    int REPAIR = 0x47;
    int FETCH = 0x48;
    int ERR = 0x7F;

    /** Largest body of every frame but CHANGES: they carry nonces, hashes, numbers and short texts. */
    int MAX_CONTROL_BYTES = 4096;
    /** Bytes of every nonce, proof and body hash. */
    int HASH_BYTES = 32;
    /** Longest node name and record kind, UTF-8 bytes. */
    int MAX_NAME_BYTES = 255;
    /** Longest REFUSED or ERR reason, UTF-8 bytes; a longer one is cut by the sender. */
    int MAX_REASON_BYTES = 1024;
    /** Bytes of a CHANGES record besides its kind and payload: seq, epoch, crc32c, the two lengths. */
    int RECORD_OVERHEAD = 8 + 8 + 4 + 2 + 4;
    /** Most entries in one MAILBOXES frame (40 bytes each) and one DAMAGED frame (41 bytes each). */
    int MAX_ENTRIES = 96;
    /** Longest interval between WORKING frames a master may ask for, in milliseconds. */
    int MAX_PROGRESS_MILLIS = 3_600_000;

    int type();

    /** Writes the body; the caller writes type and length before it. */
    void writeBody(DataOutputStream out) throws IOException;

    /** The body's length in bytes. */
    long bodyLength();

    record Hello(int version, byte[] nonce) implements Frame {
        static final byte[] MAGIC = {'M', 'S', 'R', 'P'};

        public int type() { return HELLO; }

        public long bodyLength() { return 4 + 1 + HASH_BYTES; }

        public void writeBody(DataOutputStream out) throws IOException {
            out.write(MAGIC);
            out.writeByte(version);
            out.write(nonce);
        }
    }

    record Challenge(int version, byte[] nonce) implements Frame {
        public int type() { return CHALLENGE; }

        public long bodyLength() { return 1 + HASH_BYTES; }

        public void writeBody(DataOutputStream out) throws IOException {
            out.writeByte(version);
            out.write(nonce);
        }
    }

    record Auth(byte[] proof) implements Frame {
        public int type() { return AUTH; }

        public long bodyLength() { return HASH_BYTES; }

        public void writeBody(DataOutputStream out) throws IOException {
            out.write(proof);
        }
    }

    /** The replica's proof and the limits it applies to this link. */
    record AuthOk(byte[] proof, int maxBatchRecords, int maxBatchBytes, long maxBodyBytes) implements Frame {
        public int type() { return AUTH_OK; }

        public long bodyLength() { return HASH_BYTES + 4 + 4 + 8; }

        public void writeBody(DataOutputStream out) throws IOException {
            out.write(proof);
            out.writeInt(maxBatchRecords);
            out.writeInt(maxBatchBytes);
            out.writeLong(maxBodyBytes);
        }
    }

    record Open(int slotId, long epoch, String senderNode) implements Frame {
        public int type() { return OPEN; }

        public long bodyLength() { return 4 + 8 + 2 + utf8(senderNode).length; }

        public void writeBody(DataOutputStream out) throws IOException {
            out.writeInt(slotId);
            out.writeLong(epoch);
            writeString(out, senderNode);
        }
    }

    /** {@code lastEpoch}: the epoch of the replica's record at {@code lastSeq}, -1 when it has none to show. */
    record Pos(long lastSeq, long lastEpoch) implements Frame {
        public int type() { return POS; }

        public long bodyLength() { return 16; }

        public void writeBody(DataOutputStream out) throws IOException {
            out.writeLong(lastSeq);
            out.writeLong(lastEpoch);
        }
    }

    record Refused(String reason) implements Frame {
        public int type() { return REFUSED; }

        public long bodyLength() { return 2 + utf8(reason).length; }

        public void writeBody(DataOutputStream out) throws IOException {
            writeString(out, reason);
        }
    }

    record Body(byte[] hash, long size) implements Frame {
        public int type() { return BODY; }

        public long bodyLength() { return HASH_BYTES + 8; }

        public void writeBody(DataOutputStream out) throws IOException {
            out.write(hash);
            out.writeLong(size);
        }
    }

    /** HAVE, SEND, STORED, MISSING and WORKING: frames with an empty body. */
    record Signal(int type) implements Frame {
        public long bodyLength() { return 0; }

        public void writeBody(DataOutputStream out) {
        }
    }

    record Changes(List<ChangeRecord> records) implements Frame {
        public int type() { return CHANGES; }

        public long bodyLength() {
            long n = 4;
            for (ChangeRecord r : records) {
                n += recordLength(r);
            }
            return n;
        }

        public void writeBody(DataOutputStream out) throws IOException {
            out.writeInt(records.size());
            for (ChangeRecord r : records) {
                out.writeLong(r.seq());
                out.writeLong(r.epoch());
                out.writeInt(r.crc32c());
                writeString(out, r.kind());
                out.writeInt(r.payload().length);
                out.write(r.payload());
            }
        }

        static long recordLength(ChangeRecord r) {
            return RECORD_OVERHEAD + utf8(r.kind()).length + (long) r.payload().length;
        }
    }

    /** The master asks the replica to empty its copy for a full resync; answered ACK(0). */
    record Reset() implements Frame {
        public int type() { return RESET; }

        public long bodyLength() { return 0; }

        public void writeBody(DataOutputStream out) {
        }
    }

    /** The master asks for the copy's digests; the replica sends WORKING at least every {@code progressMillis}. */
    record Digest(int progressMillis) implements Frame {
        public int type() { return DIGEST; }

        public long bodyLength() { return 4; }

        public void writeBody(DataOutputStream out) throws IOException {
            out.writeInt(progressMillis);
        }
    }

    /** One mailbox's digest (a SHA-256) in a MAILBOXES frame. */
    record MailboxDigest(long mailboxId, byte[] digest) {}

    /** Part of the answer to DIGEST: at most {@link #MAX_ENTRIES} mailbox digests, ascending id. */
    record Mailboxes(List<MailboxDigest> entries) implements Frame {
        public int type() { return MAILBOXES; }

        public long bodyLength() { return 2 + 40L * entries.size(); }

        public void writeBody(DataOutputStream out) throws IOException {
            out.writeShort(entries.size());
            for (MailboxDigest e : entries) {
                out.writeLong(e.mailboxId());
                out.write(e.digest());
            }
        }
    }

    /** Ends the answer to DIGEST: the copy's seq and content digest, and how many mailbox digests came before. */
    record Digested(long seq, byte[] content, int mailboxes) implements Frame {
        public int type() { return DIGESTED; }

        public long bodyLength() { return 8 + HASH_BYTES + 4; }

        public void writeBody(DataOutputStream out) throws IOException {
            out.writeLong(seq);
            out.write(content);
            out.writeInt(mailboxes);
        }
    }

    /** The master asks for the copy's damaged bodies; the replica sends WORKING at least every {@code progressMillis}. */
    record Check(int progressMillis) implements Frame {
        public int type() { return CHECK; }

        public long bodyLength() { return 4; }

        public void writeBody(DataOutputStream out) throws IOException {
            out.writeInt(progressMillis);
        }
    }

    /** One body in a DAMAGED frame; {@code kind} 1 missing, 2 corrupted. */
    record DamagedEntry(byte[] hash, long size, int kind) {}

    /** Part of the answer to CHECK: at most {@link #MAX_ENTRIES} damaged bodies. */
    record Damaged(List<DamagedEntry> entries) implements Frame {
        public int type() { return DAMAGED; }

        public long bodyLength() { return 2 + 41L * entries.size(); }

        public void writeBody(DataOutputStream out) throws IOException {
            out.writeShort(entries.size());
            for (DamagedEntry e : entries) {
                out.write(e.hash());
                out.writeLong(e.size());
                out.writeByte(e.kind());
            }
        }
    }

    /** Ends the answer to CHECK: how many bodies were re-hashed, and how many damaged ones came before. */
    record Checked(long checked, int damaged) implements Frame {
        public int type() { return CHECKED; }

        public long bodyLength() { return 12; }

        public void writeBody(DataOutputStream out) throws IOException {
            out.writeLong(checked);
            out.writeInt(damaged);
        }
    }

    /** The master sends a good body to replace a damaged or missing one: always answered SEND (or ERR). */
    record Repair(byte[] hash, long size) implements Frame {
        public int type() { return REPAIR; }

        public long bodyLength() { return HASH_BYTES + 8; }

        public void writeBody(DataOutputStream out) throws IOException {
            out.write(hash);
            out.writeLong(size);
        }
    }

    /** The master asks for a body it lacks: answered BODY and the octets, or MISSING. */
    record Fetch(byte[] hash) implements Frame {
        public int type() { return FETCH; }

        public long bodyLength() { return HASH_BYTES; }

        public void writeBody(DataOutputStream out) throws IOException {
            out.write(hash);
        }
    }

    record Ack(long lastSeq) implements Frame {
        public int type() { return ACK; }

        public long bodyLength() { return 8; }

        public void writeBody(DataOutputStream out) throws IOException {
            out.writeLong(lastSeq);
        }
    }

    record Err(Reason reason, String text) implements Frame {
        public int type() { return ERR; }

        public long bodyLength() { return 1 + 2 + utf8(text).length; }

        public void writeBody(DataOutputStream out) throws IOException {
            out.writeByte(reason.code);
            writeString(out, text);
        }
    }

    static boolean known(int type) {
        return switch (type) {
            case HELLO, CHALLENGE, AUTH, AUTH_OK, OPEN, POS, REFUSED, BODY, HAVE, SEND, STORED, MISSING, CHANGES, ACK,
                 RESET, DIGEST, MAILBOXES, DIGESTED, CHECK, DAMAGED, CHECKED, WORKING, REPAIR, FETCH, ERR -> true;
            default -> false;
        };
    }

    static String name(int type) {
        return switch (type) {
            case HELLO -> "HELLO";
            case CHALLENGE -> "CHALLENGE";
            case AUTH -> "AUTH";
            case AUTH_OK -> "AUTH_OK";
            case OPEN -> "OPEN";
            case POS -> "POS";
            case REFUSED -> "REFUSED";
            case BODY -> "BODY";
            case HAVE -> "HAVE";
            case SEND -> "SEND";
            case STORED -> "STORED";
            case MISSING -> "MISSING";
            case CHANGES -> "CHANGES";
            case ACK -> "ACK";
            case RESET -> "RESET";
            case DIGEST -> "DIGEST";
            case MAILBOXES -> "MAILBOXES";
            case DIGESTED -> "DIGESTED";
            case CHECK -> "CHECK";
            case DAMAGED -> "DAMAGED";
            case CHECKED -> "CHECKED";
            case WORKING -> "WORKING";
            case REPAIR -> "REPAIR";
            case FETCH -> "FETCH";
            case ERR -> "ERR";
            default -> String.format("0x%02x", type);
        };
    }

    /** Parses a frame body; any defect is a {@link ProtocolException} naming the frame and the field. */
    static Frame decode(int type, byte[] body) throws ProtocolException {
        ByteBuffer b = ByteBuffer.wrap(body);
        try {
            Frame f = switch (type) {
                case HELLO -> {
                    byte[] magic = bytes(b, 4);
                    if (!Arrays.equals(magic, Hello.MAGIC)) {
                        throw malformed(type, "not a mailslot replication peer (bad magic)");
                    }
                    yield new Hello(b.get() & 0xFF, bytes(b, HASH_BYTES));
                }
                case CHALLENGE -> new Challenge(b.get() & 0xFF, bytes(b, HASH_BYTES));
                case AUTH -> new Auth(bytes(b, HASH_BYTES));
                case AUTH_OK -> new AuthOk(bytes(b, HASH_BYTES), positive(type, "max records", b.getInt()),
                        positive(type, "max batch bytes", b.getInt()), positive(type, "max body bytes", b.getLong()));
                case OPEN -> new Open(nonNegative(type, "slot id", b.getInt()),
                        nonNegative(type, "epoch", b.getLong()), string(b, type, "sender node", MAX_NAME_BYTES));
                case POS -> new Pos(nonNegative(type, "last seq", b.getLong()), b.getLong());
                case REFUSED -> new Refused(string(b, type, "reason", MAX_REASON_BYTES));
                case BODY -> new Body(bytes(b, HASH_BYTES), nonNegative(type, "size", b.getLong()));
                case HAVE, SEND, STORED, MISSING, WORKING -> new Signal(type);
                case CHANGES -> changes(b);
                case ACK -> new Ack(nonNegative(type, "last seq", b.getLong()));
                case RESET -> new Reset();
                case DIGEST -> new Digest(progress(type, b.getInt()));
                case MAILBOXES -> mailboxes(b);
                case DIGESTED -> new Digested(nonNegative(type, "seq", b.getLong()), bytes(b, HASH_BYTES),
                        nonNegative(type, "mailbox count", b.getInt()));
                case CHECK -> new Check(progress(type, b.getInt()));
                case DAMAGED -> damaged(b);
                case CHECKED -> new Checked(nonNegative(type, "checked", b.getLong()),
                        nonNegative(type, "damaged count", b.getInt()));
                case REPAIR -> new Repair(bytes(b, HASH_BYTES), nonNegative(type, "size", b.getLong()));
                case FETCH -> new Fetch(bytes(b, HASH_BYTES));
                case ERR -> new Err(Reason.of(b.get() & 0xFF), string(b, type, "reason", MAX_REASON_BYTES));
                default -> throw new ProtocolException(Reason.MALFORMED, "unknown frame type " + name(type));
            };
            if (b.hasRemaining()) {
                throw malformed(type, b.remaining() + " bytes after the last field");
            }
            return f;
        } catch (BufferUnderflowException e) {
            throw malformed(type, "body ends inside a field");
        }
    }

    private static Changes changes(ByteBuffer b) throws ProtocolException {
        int count = b.getInt();
        // each record takes at least RECORD_OVERHEAD bytes: a count the body cannot hold is a lie, not an allocation
        if (count < 0 || (long) count * RECORD_OVERHEAD > b.remaining()) {
            throw malformed(CHANGES, "record count " + Integer.toUnsignedString(count) + " does not fit the frame");
        }
        List<ChangeRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long seq = b.getLong();
            long epoch = b.getLong();
            int crc = b.getInt();
            String kind = string(b, CHANGES, "kind", MAX_NAME_BYTES);
            int length = b.getInt();
            if (seq <= 0 || epoch < 0 || length < 0 || length > b.remaining()) {
                throw malformed(CHANGES, "record " + i + " has seq " + seq + ", epoch " + epoch + ", payload length "
                        + Integer.toUnsignedString(length));
            }
            records.add(new ChangeRecord(seq, epoch, kind, bytes(b, length), crc));
        }
        return new Changes(records);
    }

    private static Mailboxes mailboxes(ByteBuffer b) throws ProtocolException {
        int count = entries(MAILBOXES, b.getShort() & 0xFFFF);
        List<MailboxDigest> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            entries.add(new MailboxDigest(nonNegative(MAILBOXES, "mailbox id", b.getLong()), bytes(b, HASH_BYTES)));
        }
        return new Mailboxes(entries);
    }

    private static Damaged damaged(ByteBuffer b) throws ProtocolException {
        int count = entries(DAMAGED, b.getShort() & 0xFFFF);
        List<DamagedEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] hash = bytes(b, HASH_BYTES);
            long size = nonNegative(DAMAGED, "size", b.getLong());
            int kind = b.get() & 0xFF;
            if (kind != 1 && kind != 2) {
                throw malformed(DAMAGED, "unknown kind " + kind);
            }
            entries.add(new DamagedEntry(hash, size, kind));
        }
        return new Damaged(entries);
    }

    private static int entries(int type, int count) throws ProtocolException {
        if (count > MAX_ENTRIES) {
            throw malformed(type, count + " entries, over " + MAX_ENTRIES);
        }
        return count;
    }

    private static int progress(int type, int millis) throws ProtocolException {
        if (millis < 1 || millis > MAX_PROGRESS_MILLIS) {
            throw malformed(type, "progress interval " + Integer.toUnsignedString(millis) + " ms is not 1.."
                    + MAX_PROGRESS_MILLIS);
        }
        return millis;
    }

    private static byte[] bytes(ByteBuffer b, int n) {
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    private static String string(ByteBuffer b, int type, String field, int max) throws ProtocolException {
        int n = b.getShort() & 0xFFFF;
        if (n > max) {
            throw malformed(type, field + " of " + n + " bytes, over " + max);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes(b, n))).toString();
        } catch (CharacterCodingException e) {
            throw malformed(type, field + " is not UTF-8");
        }
    }

    private static int positive(int type, String field, int v) throws ProtocolException {
        if (v <= 0) {
            throw malformed(type, field + " " + v + " is not positive");
        }
        return v;
    }

    private static long positive(int type, String field, long v) throws ProtocolException {
        if (v <= 0) {
            throw malformed(type, field + " " + v + " is not positive");
        }
        return v;
    }

    private static int nonNegative(int type, String field, int v) throws ProtocolException {
        if (v < 0) {
            throw malformed(type, field + " " + Integer.toUnsignedString(v) + " is out of range");
        }
        return v;
    }

    private static long nonNegative(int type, String field, long v) throws ProtocolException {
        if (v < 0) {
            throw malformed(type, field + " " + Long.toUnsignedString(v) + " is out of range");
        }
        return v;
    }

    private static ProtocolException malformed(int type, String what) {
        return new ProtocolException(Reason.MALFORMED, "malformed " + name(type) + ": " + what);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Writes a u16-length string; the limits are the caller's (names are checked, reasons cut by {@link #cut}). */
    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] bytes = utf8(s);
        if (bytes.length > 0xFFFF) {
            throw new IllegalArgumentException("string of " + bytes.length + " bytes cannot be framed");
        }
        out.writeShort(bytes.length);
        out.write(bytes);
    }

    /** {@code text} cut to at most {@link #MAX_REASON_BYTES} UTF-8 bytes, on a character boundary. */
    static String cut(String text) {
        String s = text == null ? "" : text;
        if (utf8(s).length <= MAX_REASON_BYTES) {
            return s;
        }
        int end = Math.min(s.length(), MAX_REASON_BYTES);
        while (end > 0 && utf8(s.substring(0, end)).length > MAX_REASON_BYTES - 3) {
            end--;
        }
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "...";
    }

    /** The whole frame as bytes: tests and small frames. */
    static byte[] encode(Frame f) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(buf);
        out.writeByte(f.type());
        out.writeInt(Math.toIntExact(f.bodyLength()));
        f.writeBody(out);
        out.flush();
        return buf.toByteArray();
    }
}
