package org.mailslot.store.replication;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.IntToLongFunction;

import org.mailslot.store.replication.ReplicationException.Reason;

/**
 * Frames over one connection's streams: reads a frame only after checking its type and length against the caller's
 * limit (an oversized frame is refused before a byte of its body is read), and writes whole frames.
 */
final class FrameChannel {
    private static final int BUFFER = 64 * 1024;

    private final DataInputStream in;
    private final DataOutputStream out;

    FrameChannel(InputStream in, OutputStream out) {
        this.in = new DataInputStream(new BufferedInputStream(in, BUFFER));
        this.out = new DataOutputStream(new BufferedOutputStream(out, BUFFER));
    }

    /**
     * The next frame, or null when the stream ends cleanly before one starts. {@code limit} gives the largest body
     * accepted for a frame type.
     */
    Frame read(IntToLongFunction limit) throws IOException {
        int type = in.read();
        if (type < 0) {
            return null;
        }
        int length = in.readInt();
        if (!Frame.known(type)) {
            throw new ProtocolException(Reason.MALFORMED, "unknown frame type " + Frame.name(type));
        }
        long max = limit.applyAsLong(type);
        if (length < 0 || length > max) {
            throw new ProtocolException(Reason.TOO_LARGE, Frame.name(type) + " frame of "
                    + Integer.toUnsignedString(length) + " bytes, over the limit of " + max);
        }
        // memory grows with the bytes that arrive, not with the length a peer claims
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new EOFException("connection ended inside a " + Frame.name(type) + " frame");
        }
        return Frame.decode(type, body);
    }

    void write(Frame f) throws IOException {
        long length = f.bodyLength();
        if (length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(Frame.name(f.type()) + " frame of " + length + " bytes cannot be framed");
        }
        out.writeByte(f.type());
        out.writeInt((int) length);
        f.writeBody(out);
        out.flush();
    }

    /** Copies exactly {@code size} bytes of {@code body} after a SEND; fewer available is an error. */
    void writeRaw(InputStream body, long size, String what) throws IOException {
        byte[] buf = new byte[BUFFER];
        long left = size;
        while (left > 0) {
            int n = body.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new EOFException(what + " ended " + left + " bytes before the " + size + " its row announces");
            }
            out.write(buf, 0, n);
            left -= n;
        }
        out.flush();
    }

    /** The next {@code size} bytes of the connection as a stream that ends there; closing it closes nothing. */
    RawInput rawInput(long size) {
        return new RawInput(in, size);
    }

    /** A body's bytes on the connection; remembers whether the connection itself failed while they were read. */
    static final class RawInput extends InputStream {
        private final InputStream in;
        private long left;
        private IOException failure;

        RawInput(InputStream in, long size) {
            this.in = in;
            this.left = size;
        }

        /** The connection's failure while reading the body, if any (as opposed to the store's). */
        IOException failure() {
            return failure;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            try {
                int n = in.read(b, off, (int) Math.min(len, left));
                if (n < 0) {
                    throw new EOFException("connection ended " + left + " bytes before the end of the body");
                }
                left -= n;
                return n;
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public void close() {
        }
    }
}
