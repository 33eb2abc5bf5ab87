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
    int CHANGES = 0x20;
    int ACK = 0x21;
    int RESET = 0x30;
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

    /** HAVE, SEND and STORED: frames with an empty body. */
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
            case HELLO, CHALLENGE, AUTH, AUTH_OK, OPEN, POS, REFUSED, BODY, HAVE, SEND, STORED, CHANGES, ACK, RESET,
                 ERR -> true;
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
            case CHANGES -> "CHANGES";
            case ACK -> "ACK";
            case RESET -> "RESET";
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
                case HAVE, SEND, STORED -> new Signal(type);
                case CHANGES -> changes(b);
                case ACK -> new Ack(nonNegative(type, "last seq", b.getLong()));
                case RESET -> new Reset();
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
