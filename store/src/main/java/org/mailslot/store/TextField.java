package org.mailslot.store;

/** Where {@link SlotStore#searchText} looks: IMAP SEARCH BODY (the body) or TEXT (header or body). */
public enum TextField {
    BODY,
    TEXT
}
