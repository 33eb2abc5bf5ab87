package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;

import java.io.IOException;

/**
 * CLOSE (RFC 9051 6.4.1: expunges \Deleted messages silently, unless read-only) and UNSELECT (RFC 3691: does not).
 * Both leave the selected state; nothing about the closed mailbox is sent afterwards.
 */
public final class CloseCommand {
    private CloseCommand() {}

    public static void close(ImapSession s, String tag) throws IOException {
        if (!s.selected().readOnly()) {
            ExpungeCommand.expunge(s, ExpungeCommand.deleted(s, null));
        }
        s.select(null);
        s.ok(tag, null, "CLOSE completed");
    }

    public static void unselect(ImapSession s, String tag) throws IOException {
        s.select(null);
        s.ok(tag, null, "UNSELECT completed");
    }
}
