package org.mailslot.store;

/** RFC 6154 special-use of a mailbox; {@code INBOX} only for the INBOX. */
public enum SpecialUse { NONE, INBOX, DRAFTS, SENT, TRASH, JUNK, ARCHIVE }
