package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;

import java.io.IOException;

/** NOOP (RFC 9051 6.1.2) and CHECK (RFC 3501 6.4.1): nothing but the pending updates, which ok() sends. */
public final class NoopCommand {
    private NoopCommand() {}

    public static void run(ImapSession s, String tag) throws IOException {
        s.ok(tag, null, "NOOP completed");
    }
}
