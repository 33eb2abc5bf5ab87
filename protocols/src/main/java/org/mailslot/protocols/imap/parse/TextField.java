package org.mailslot.protocols.imap.parse;

/** Which text SEARCH BODY / TEXT looks in (TEXT = headers + body). */
public enum TextField { BODY, TEXT }
