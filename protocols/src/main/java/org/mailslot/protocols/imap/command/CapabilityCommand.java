package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.parse.ImapRequest;

import java.io.IOException;

/** CAPABILITY (RFC 9051 6.1.1). */
public final class CapabilityCommand {
    private CapabilityCommand() {}

    public static void run(ImapSession s, ImapRequest.Capability r) throws IOException {
        s.out().start().atom("CAPABILITY").raw(s.capabilities()).end();
        s.ok(r.tag(), null, "Capability completed");
    }
}
