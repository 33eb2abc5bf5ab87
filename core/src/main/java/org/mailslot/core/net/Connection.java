package org.mailslot.core.net;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * One client connection as a line protocol sees it: lines in (with a length limit and timeouts), bytes out,
 * and an upgrade to TLS. Owned by the one virtual thread that serves the session; not thread-safe.
 */
public final class Connection implements AutoCloseable {
    private static final byte[] CRLF = {'\r', '\n'};

    private final String id;
    private final NetSettings settings;
    private final TlsContext tls;
    private final ProtocolMetrics metrics;
    private Socket socket;
    private InputStream in;
    private WatchedOutputStream watched;
    private OutputStream out;
    private final byte[] buf = new byte[16 * 1024];
    private int pos;
    private int end;
    private long transferDeadline; // nanoTime; 0 = none
    private long bytesRead;
    private volatile InetSocketAddress forwardedClient;

    Connection(String id, Socket socket, NetSettings settings, TlsContext tls, ProtocolMetrics metrics) throws IOException {
        this.id = id;
        this.settings = settings;
        this.tls = tls;
        this.metrics = metrics;
        attach(socket);
    }

    private void attach(Socket s) throws IOException {
        this.socket = s;
        this.in = s.getInputStream();
        this.watched = new WatchedOutputStream(s.getOutputStream());
        this.out = new BufferedOutputStream(watched, 16 * 1024);
        s.setSoTimeout(Math.toIntExact(settings.idleTimeout().toMillis()));
    }

    /** A short id for log lines, unique within this process. */
    public String id() {
        return id;
    }

    public NetSettings settings() {
        return settings;
    }

    public ProtocolMetrics metrics() {
        return metrics;
    }

    /** The client: the socket's peer, or the client a front relays for once its proxy login named it. */
    public InetSocketAddress remote() {
        InetSocketAddress forwarded = forwardedClient;
        return forwarded != null ? forwarded : (InetSocketAddress) socket.getRemoteSocketAddress();
    }

    /**
     * A front relays this session for {@code client} (proven by its proxy token): from now on {@link #remote()} names
     * the client, so logs and Received headers do too. Connection limits were applied to the front's address.
     */
    public void forwardedClient(InetSocketAddress client) {
        this.forwardedClient = client;
    }

    public InetSocketAddress local() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    public boolean isSecure() {
        return socket instanceof SSLSocket;
    }

    /** Whether STARTTLS can be offered: TLS is configured and not yet in use. */
    public boolean canStartTls() {
        return tls != null && !isSecure();
    }

    /** For Received headers: "TLSv1.3 with cipher TLS_AES_256_GCM_SHA384", or null without TLS. */
    public String tlsDescription() {
        if (socket instanceof SSLSocket ssl) {
            SSLSession session = ssl.getSession();
            return session.getProtocol() + " with cipher " + session.getCipherSuite();
        }
        return null;
    }

    public long bytesRead() {
        return bytesRead;
    }

    /** Bytes the client has sent that no read has consumed yet (pipelined commands). */
    public boolean hasBufferedInput() {
        return pos < end;
    }

    /**
     * Bounds the time the following reads may take in total (a DATA transfer, a literal); {@code null} lifts the
     * bound and restores the per-line command timeout.
     */
    public void transferDeadline(java.time.Duration d) {
        transferDeadline = d == null ? 0 : System.nanoTime() + d.toNanos();
    }

    /** Reads one line of at most {@link NetSettings#lineLengthLimit()} bytes. Returns null at end of stream. */
    public Line readLine() throws IOException {
        return readLine(settings.lineLengthLimit());
    }

    /**
     * Reads up to and including the next LF. Returns null when the peer closed before sending anything. When
     * {@code limit} bytes arrive without an end of line, returns them with {@link Line.Ending#NONE}; the rest of
     * the line comes with the next call (callers skip it with {@link #skipLine()} or take it as content).
     */
    public Line readLine(int limit) throws IOException {
        byte[] acc = null;
        int accLen = 0;
        long deadline = transferDeadline;
        while (true) {
            if (pos == end) {
                if (!fill(deadline)) {
                    return accLen == 0 ? null : new Line(Arrays.copyOf(acc, accLen), Line.Ending.EOF);
                }
                if (deadline == 0) {
                    deadline = System.nanoTime() + settings.commandTimeout().toNanos();
                }
            }
            // room for content up to the limit plus CR and LF
            int budget = limit + 2 - accLen;
            int stop = Math.min(end, pos + budget);
            int lf = -1;
            for (int i = pos; i < stop; i++) {
                if (buf[i] == '\n') {
                    lf = i;
                    break;
                }
            }
            int take = (lf >= 0 ? lf : stop) - pos;
            if (acc == null) {
                acc = new byte[Math.min(limit + 2, Math.max(take, 128))];
            }
            if (accLen + take > acc.length) {
                acc = Arrays.copyOf(acc, Math.min(limit + 2, Math.max(accLen + take, acc.length * 2)));
            }
            System.arraycopy(buf, pos, acc, accLen, take);
            accLen += take;
            pos += take;
            if (lf >= 0) {
                pos++; // the LF
                if (accLen > 0 && acc[accLen - 1] == '\r') {
                    return new Line(Arrays.copyOf(acc, accLen - 1), Line.Ending.CRLF);
                }
                return new Line(Arrays.copyOf(acc, accLen), Line.Ending.LF);
            }
            if (accLen >= limit + 1 || (accLen == limit && acc[accLen - 1] != '\r')) {
                // the line is longer than the limit; a trailing CR may belong to the CRLF, keep it for the next read
                int give = Math.min(accLen, limit);
                pos -= accLen - give;
                return new Line(Arrays.copyOf(acc, give), Line.Ending.NONE);
            }
        }
    }

    /** Discards input up to and including the next LF (the rest of an over-long line). False at end of stream. */
    public boolean skipLine() throws IOException {
        long deadline = System.nanoTime() + settings.commandTimeout().toNanos();
        while (true) {
            if (pos == end && !fill(deadline)) {
                return false;
            }
            for (int i = pos; i < end; i++) {
                if (buf[i] == '\n') {
                    pos = i + 1;
                    return true;
                }
            }
            pos = end;
        }
    }

    /**
     * For a relay (a front passing a session on): the next bytes the client sent, read-ahead first, at most
     * {@code b.length}; -1 at end of stream. Waits at most the idle timeout, like a command read.
     */
    public int read(byte[] b) throws IOException {
        if (pos == end && !fill(0)) {
            return -1;
        }
        int n = Math.min(b.length, end - pos);
        System.arraycopy(buf, pos, b, 0, n);
        pos += n;
        return n;
    }

    /** Copies exactly {@code n} bytes of input to {@code sink} (BDAT chunks, IMAP literals). */
    public void readExact(long n, OutputStream sink) throws IOException {
        long deadline = transferDeadline;
        long left = n;
        while (left > 0) {
            if (pos == end && !fill(deadline)) {
                throw new java.io.EOFException("connection closed with " + left + " of " + n + " bytes outstanding");
            }
            int take = (int) Math.min(left, end - pos);
            sink.write(buf, pos, take);
            pos += take;
            left -= take;
        }
    }

    public void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    public void write(byte[] bytes, int off, int len) throws IOException {
        out.write(bytes, off, len);
    }

    /** Writes a line and its CRLF; call {@link #flush()} (or {@link #flushUnlessPipelined()}) to send it. */
    public void writeLine(String line) throws IOException {
        write(line);
        out.write(CRLF);
    }

    public void flush() throws IOException {
        out.flush();
    }

    /** RFC 2920: replies to pipelined commands may be held back until the client's pipeline is drained. */
    public void flushUnlessPipelined() throws IOException {
        if (!hasBufferedInput()) {
            out.flush();
        }
    }

    /** Output stream for bulk responses (RETR); writes go through the same buffer. */
    public OutputStream output() {
        return out;
    }

    /**
     * Upgrades to TLS after STARTTLS/STLS was answered. Input the client pipelined after the command is discarded
     * (it was sent in the clear and must not be taken as coming through TLS: CVE-2011-0411).
     */
    public void startTls() throws IOException {
        if (!canStartTls()) {
            throw new IllegalStateException("TLS not available on connection " + id);
        }
        out.flush();
        pos = end = 0;
        SSLSocket ssl = tls.wrap(socket);
        attach(ssl);
        ssl.startHandshake();
    }

    /**
     * Puts a layer such as COMPRESS=DEFLATE (RFC 4978) between the socket and the session: later reads come from
     * {@code input} applied to the current input, later writes go through {@code output} applied to the write-watched
     * stream (so a client that stops reading is still detected below the layer), buffered as before. Pending output
     * is flushed first; like {@link #startTls()} it must be called with no buffered input, since bytes read ahead
     * were not sent through the layer.
     *
     * @throws IllegalStateException when input the client sent ahead is buffered
     */
    public void wrapStreams(UnaryOperator<InputStream> input, UnaryOperator<OutputStream> output) throws IOException {
        if (hasBufferedInput()) {
            throw new IllegalStateException("input pending on connection " + id);
        }
        out.flush();
        in = input.apply(in);
        out = new BufferedOutputStream(output.apply(watched), 16 * 1024);
    }

    /** Closes our side for writing after a final reply; the client sees end of stream. */
    @Override
    public void close() {
        try {
            out.flush();
        } catch (IOException ignored) {
            // the client went away: nothing left to tell it
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a dead socket
        }
    }

    Socket socket() {
        return socket;
    }

    /** How long the write in progress has been blocked by a client that does not read (0 when none). */
    long writeBlockedNanos(long now) {
        return watched.blockedNanos(now);
    }

    /** Closes the socket from another thread: the blocked read or write of the session fails at once. */
    void abort() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private boolean fill(long deadlineNanos) throws IOException {
        pos = end = 0;
        int timeout = Math.toIntExact(settings.idleTimeout().toMillis());
        boolean deadlineFirst = false;
        if (deadlineNanos != 0) {
            long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new CommandTimeoutException("command or transfer took too long");
            }
            deadlineFirst = left < timeout;
            timeout = (int) Math.min(timeout, Math.max(1, left));
        }
        socket.setSoTimeout(timeout);
        int n;
        try {
            n = in.read(buf, 0, buf.length);
        } catch (SocketTimeoutException e) {
            if (deadlineFirst) {
                throw new CommandTimeoutException("command or transfer took too long");
            }
            throw e;
        }
        if (n < 0) {
            return false;
        }
        end = n;
        bytesRead += n;
        return true;
    }
}
