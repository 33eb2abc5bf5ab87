package org.mailslot.store;

import java.time.Instant;
import java.util.Set;

/**
 * One message in a mailbox. {@code flags} holds IMAP system flags spelled {@code \Seen} etc. and keywords;
 * {@code envelope}, {@code body} and {@code bodyStructure} are the IMAP strings cached at append;
 * {@code emailId} is stable within the slot (kept by copy and restore); {@code threadId} is the thread it was given
 * at append ({@link Threads}), kept by copy, move and restore like {@code emailId}.
 */
public record MessageMeta(long mailboxId, long uid, long modSeq, Set<String> flags, Instant internalDate,
                          long size, String blobHash, String envelope, String body, String bodyStructure,
                          long emailId, long threadId) {}
