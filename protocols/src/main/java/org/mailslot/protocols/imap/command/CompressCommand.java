package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.parse.ImapRequest;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * COMPRESS DEFLATE (RFC 4978): after "OK DEFLATE active" both directions are raw deflate (RFC 1951, no zlib
 * header). Every flush of the session is a SYNC_FLUSH, so each response reaches the client whole. The deflater and
 * inflater live as long as the connection and are freed with it (by their cleaners: the connection may still flush
 * after the session ends, so they cannot be ended earlier).
 */
public final class CompressCommand {
    /** zlib's default: most of the gain of level 9 at a fraction of the CPU. */
    private static final int LEVEL = 6;
    private static final int BUFFER = 16 * 1024;

    private CompressCommand() {}

    public static void run(ImapSession s, ImapRequest.Compress r) throws IOException {
        if (s.compressed()) {
            s.no(r.tag(), "COMPRESSIONACTIVE", "DEFLATE is active already", "compress-twice");
            return;
        }
        if (!r.mechanism().equals("DEFLATE")) {
            s.bad(r.tag(), "Unknown compression mechanism " + r.mechanism());
            return;
        }
        if (s.connection().hasBufferedInput()) {
            // what follows was sent before our answer, so it cannot be known to be compressed or not
            s.bad(r.tag(), "Commands sent after COMPRESS before its answer");
            return;
        }
        s.ok(r.tag(), null, "DEFLATE active");
        s.flush();
        Deflater deflater = new Deflater(LEVEL, true);
        Inflater inflater = new Inflater(true);
        s.connection().wrapStreams(in -> new InflaterInputStream(in, inflater, BUFFER),
                out -> new SyncFlushing(out, deflater));
        s.compressionStarted();
    }

    /**
     * Raw deflate that SYNC_FLUSHes only when something was written since the last flush. An empty flush still emits
     * an empty block, and one sent right behind "OK DEFLATE active" can reach a client in the same read as the OK
     * line, before it has switched its input to inflate (isync 1.4 then fails with "empty response").
     */
    private static final class SyncFlushing extends DeflaterOutputStream {
        private boolean written;

        SyncFlushing(OutputStream out, Deflater deflater) {
            super(out, deflater, BUFFER, true);
        }

        @Override
        public void write(int b) throws IOException {
            written = true;
            super.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            written |= len > 0;
            super.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            if (written) {
                written = false;
                super.flush();
            }
        }
    }
}
