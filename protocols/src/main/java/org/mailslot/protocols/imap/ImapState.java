package org.mailslot.protocols.imap;

/** RFC 9051 section 3: the states of a connection. */
public enum ImapState { NOT_AUTHENTICATED, AUTHENTICATED, SELECTED, LOGOUT }
