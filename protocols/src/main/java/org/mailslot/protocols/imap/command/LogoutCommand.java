package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.response.ResponseStatus;
import org.mailslot.protocols.imap.parse.ImapRequest;

import java.io.IOException;

/** LOGOUT (RFC 9051 6.1.3): BYE, then the tagged OK, then the connection closes. */
public final class LogoutCommand {
    private LogoutCommand() {}

    public static void run(ImapSession s, ImapRequest.Logout r) throws IOException {
        s.out().untagged(ResponseStatus.BYE, null, "Logging out");
        s.out().ok(r.tag(), null, "Logout completed");
        s.logout();
    }
}
