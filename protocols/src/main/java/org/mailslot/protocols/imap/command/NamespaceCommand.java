package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.parse.ImapRequest;

import java.io.IOException;

/** NAMESPACE (RFC 2342): one personal namespace with "/" as the delimiter; no shared or other users' ones. */
public final class NamespaceCommand {
    private NamespaceCommand() {}

    public static void run(ImapSession s, ImapRequest.Namespace r) throws IOException {
        s.out().start().atom("NAMESPACE").open().open().string("").string("/").close().close().nil().nil().end();
        s.ok(r.tag(), null, "Namespace completed");
    }
}
