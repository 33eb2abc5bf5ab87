package org.mailslot.protocols.imap.command;

import org.mailslot.store.Mailbox;

/** OBJECTID (RFC 8474) MAILBOXID: stable for the mailbox's life, never reused (EMAILID is the message package's). */
final class ObjectIds {
    private ObjectIds() {}

    static String mailbox(Mailbox m) {
        return "F" + m.id() + "V" + m.uidValidity();
    }
}
