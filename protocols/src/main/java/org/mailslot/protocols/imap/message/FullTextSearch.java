package org.mailslot.protocols.imap.message;

import java.util.Set;

import org.mailslot.protocols.imap.parse.TextField;

/**
 * The full-text index of the selected mailbox: the UIDs whose text (BODY) or header and text (TEXT) contains the
 * needle. The session wires {@code (needle, field) -> store.searchText(mailboxId, needle, field)}.
 */
@FunctionalInterface
public interface FullTextSearch {
    Set<Long> search(String needle, TextField field);
}
