package org.mailslot.front.proxy;

import org.mailslot.core.net.Connection;
import org.mailslot.protocols.LoginHandoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A client session carried on by a store node: bytes from the client go to the store on a thread of their own,
 * bytes from the store go to the client on the session's thread. It ends when either side ends or when the slot's
 * master moves ({@link #abort}); the client then hears the dialect's goodbye unless the store already said one.
 */
final class ProxiedSession implements LoginHandoff.Backend {
    private static final Logger log = LoggerFactory.getLogger(ProxiedSession.class);
    private static final int TAIL = 512;

    private final BackendLink link;
    private final Dialect dialect;
    private final String loginReply;
    private final String description;
    private AutoCloseable watch = () -> { };
    private volatile String abortReason;
    /** IMAP COMPRESS (RFC 4978) was asked for: from then on the streams are not lines, and nothing may be injected. */
    private volatile boolean compressed;
    /** The client asked to end the session (LOGOUT, QUIT): the store closing the connection is then no news. */
    private volatile boolean clientQuit;

    ProxiedSession(BackendLink link, Dialect dialect, String loginReply, String description) {
        this.link = link;
        this.dialect = dialect;
        this.loginReply = loginReply;
        this.description = description;
    }

    void watch(AutoCloseable watch) {
        this.watch = watch;
    }

    @Override
    public String loginReply() {
        return loginReply;
    }

    /** Ends the session from another thread: the slot's master moved. */
    void abort(String reason) {
        abortReason = reason;
        link.close();
    }

    @Override
    public void relay(Connection client) throws IOException {
        link.relayMode();
        Thread upstream = Thread.ofVirtual().name("relay-up-" + client.id()).start(() -> clientToStore(client));
        byte[] buf = new byte[16 * 1024];
        byte[] tail = new byte[TAIL];
        int tailLen = 0;
        OutputStream out = client.output();
        try {
            int n;
            while ((n = link.input().read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
                tailLen = keepTail(tail, tailLen, buf, n);
            }
        } catch (IOException e) {
            // closed by abort(), reset, or the client stopped reading (then the goodbye below fails quietly too)
        }
        // The store went away (cut by us, died, or ended the session): the client hears why, unless it asked to end,
        // the store already said goodbye, or the stream is compressed (nothing can be injected into it then).
        String said = new String(tail, 0, tailLen, StandardCharsets.ISO_8859_1);
        if (upstream.isAlive() && !clientQuit && !compressed && !dialect.endedBy(said)) {
            log.info("{}: store side ended{}; telling the client", description,
                    abortReason == null ? "" : " (" + abortReason + ")");
            try {
                client.writeLine(dialect.goodbye());
                client.flush();
            } catch (IOException ignored) {
                // the client is gone too
            }
        }
        link.close();
    }

    private void clientToStore(Connection client) {
        byte[] buf = new byte[16 * 1024];
        try {
            int n;
            while ((n = client.read(buf)) >= 0) {
                if (!compressed && dialect.startsCompression(buf, n)) {
                    compressed = true;
                }
                if (!compressed && dialect.endsSession(buf, n)) {
                    clientQuit = true;
                }
                link.output().write(buf, 0, n);
                link.output().flush();
            }
            link.shutdownOutput();
        } catch (IOException e) {
            // client timed out or reset, or the store side closed: either way the store side must end
            link.close();
        }
    }

    private static int keepTail(byte[] tail, int tailLen, byte[] buf, int n) {
        if (n >= tail.length) {
            System.arraycopy(buf, n - tail.length, tail, 0, tail.length);
            return tail.length;
        }
        int keep = Math.min(tailLen, tail.length - n);
        System.arraycopy(tail, tailLen - keep, tail, 0, keep);
        System.arraycopy(buf, 0, tail, keep, n);
        return keep + n;
    }

    @Override
    public void close() {
        try {
            watch.close();
        } catch (Exception ignored) {
            // removing a watch cannot fail in a way that matters here
        }
        link.close();
    }
}
