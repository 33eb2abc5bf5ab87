package org.mailslot.server;

import org.mailslot.core.net.Endpoint;
import org.mailslot.core.net.TlsContext;

import java.nio.file.Path;
import java.util.Map;

/** A started process of either role, as {@code run --status-file} and the demo describe it. */
interface RunningNode extends AutoCloseable {

    /** Every listening service by name (smtp, submission, submissions, pop3, pop3s, imap, imaps, metrics, ...). */
    Map<String, Endpoint> endpoints();

    /** Null when no TLS is configured. */
    TlsContext tls();

    /** The PEM certificate clients may pin: the configured one, or the generated self-signed one. */
    Path certificateFile();

    @Override
    void close();
}
