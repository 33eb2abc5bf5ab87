package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;

import java.io.IOException;

/** SUBSCRIBE and UNSUBSCRIBE (RFC 9051 6.3.7, 6.3.8): subscriptions are a flag of existing mailboxes. */
public final class SubscribeCommand {
    private SubscribeCommand() {}

    public static void run(ImapSession s, String tag, String mailbox, boolean subscribe) throws IOException {
        String name = MailboxAttributes.clean(mailbox);
        if (s.store().mailbox(s.account().id(), name).isEmpty()) {
            if (!subscribe) {
                s.ok(tag, null, "UNSUBSCRIBE completed"); // nothing to undo
                return;
            }
            s.no(tag, "NONEXISTENT", "Mailbox does not exist", "not-found");
            return;
        }
        s.store().setSubscribed(s.account().id(), name, subscribe);
        s.ok(tag, null, (subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE") + " completed");
    }
}
