package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.parse.ImapRequest;

import java.io.IOException;

/** STARTTLS (RFC 9051 6.2.1): anything the client pipelined in the clear is discarded by the connection. */
public final class StartTlsCommand {
    private StartTlsCommand() {}

    public static void run(ImapSession s, ImapRequest.StartTls r) throws IOException {
        if (!s.connection().canStartTls()) {
            s.no(r.tag(), null, s.connection().isSecure() ? "TLS is already active" : "TLS is not available",
                    "tls");
            return;
        }
        s.out().ok(r.tag(), null, "Begin TLS negotiation now");
        s.flush();
        s.connection().startTls();
    }
}
