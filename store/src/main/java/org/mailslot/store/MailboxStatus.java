package org.mailslot.store;

/** Counts of a mailbox's visible messages. {@code recent} is always 0: IMAP4rev2 has no \Recent. */
public record MailboxStatus(Mailbox mailbox, int messages, int unseen, int recent, long sizeBytes) {}
