package org.mailslot.store;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One slot: the mailboxes and messages of many accounts in {@code <dir>/slot.db} plus content-addressed
 * bodies in {@code <dir>/blobs}. Every write returns only once it is durable (fsynced) on this slot, and
 * appends one or more {@link ChangeRecord}s in the same transaction. Thread-safe; writes are group
 * committed by a single writer per slot.
 */
public sealed interface SlotStore extends AutoCloseable permits SqliteSlotStore, FaultInjectingSlotStore {

    /** Opens the slot in {@code slotDir}, creating it if missing. */
    static SlotStore open(Path slotDir, int slotId, StoreSettings settings) {
        return SqliteSlotStore.open(slotDir, slotId, settings);
    }

    int slotId();

    long epoch();

    // accounts

    /** Idempotent: creates INBOX, Drafts, Sent, Trash, Junk, Archive with their special-use, subscribed. */
    void createAccount(long accountId);

    /** Removes the account's mailboxes and messages; bodies go at the next {@link #purgeExpunged}. */
    void deleteAccount(long accountId);

    // mailboxes: names UTF-8, hierarchy delimiter "/", INBOX case-insensitive

    List<Mailbox> mailboxes(long accountId);

    Optional<Mailbox> mailbox(long accountId, String name);

    /** From counters kept in the same transactions as the messages: never scans the mailbox. */
    MailboxStatus status(long mailboxId);

    /** The lowest uid of a visible message without \Seen, 0 when there is none (SELECT's UNSEEN). */
    long firstUnseenUid(long mailboxId);

    /** Creates missing parents too. {@link SpecialUse#INBOX} is refused (INVALID). */
    Mailbox createMailbox(long accountId, String name, SpecialUse use);

    /** Renames with inferiors; renaming INBOX moves its messages to a new mailbox and leaves INBOX empty. */
    void renameMailbox(long accountId, String from, String to);

    /** INBOX and special-use mailboxes are refused (SPECIAL_USE); messages become expunged (restorable). */
    void deleteMailbox(long accountId, String name);

    void setSubscribed(long accountId, String name, boolean subscribed);

    // writes

    /**
     * Into the INBOX (or the special-use mailbox named, such as Junk) of each target, accounts created when missing:
     * one blob, one transaction.
     */
    List<DeliveryOutcome> deliver(MessageContent body, Instant internalDate, List<DeliveryTarget> targets);

    AppendResult append(long accountId, String mailbox, MessageContent body, Set<String> flags,
                        Instant internalDate, long quotaBytes);

    /**
     * MULTIAPPEND: all messages into one mailbox in one transaction, all or none (quota checked on the total).
     * Results in the order given.
     */
    List<AppendResult> appendAll(long accountId, String mailbox, List<AppendRequest> messages, long quotaBytes);

    /** Returns the messages found among {@code uids}, after the change, ascending uid. */
    List<MessageMeta> storeFlags(long mailboxId, Collection<Long> uids, FlagOp op, Set<String> flags);

    /**
     * STORE with CONDSTORE (RFC 7162 3.1.3): messages with a modseq above {@code unchangedSince} are not changed
     * and come back in {@link StoreFlagsResult#failed()}; {@code unchangedSince <= 0} means unconditional (the
     * caller answers UNCHANGEDSINCE 0 itself: every message fails it). One modseq for all changed messages; a
     * message whose flags end up unchanged keeps its modseq.
     */
    StoreFlagsResult storeFlags(long mailboxId, Collection<Long> uids, FlagOp op, Set<String> flags,
                                long unchangedSince);

    /** Same blob and emailId, new UIDs; all or nothing against the target's quota. Ascending source uid. */
    List<AppendResult> copy(long fromMailboxId, Collection<Long> uids, long toMailboxId, long quotaBytes);

    /**
     * MOVE (RFC 6851): copy and expunge in one transaction. Source rows are expunged with one modseq (not
     * restorable: the message lives on in the target). Ascending source uid. Within one account usage does not
     * change and quota is not checked; across accounts the target's quota is, all or nothing.
     */
    List<MoveResult> move(long fromMailboxId, Collection<Long> uids, long toMailboxId, long quotaBytes);

    /** Hides the messages, kept for the expunge retention with their expunge modseq (QRESYNC). */
    void expunge(long mailboxId, Collection<Long> uids);

    /** Brings messages expunged at or after {@code expungedSince} back with new UIDs; returns the count. */
    int restore(long accountId, Instant expungedSince);

    /** Deletes rows expunged before {@code now - expungeRetention}, then unreferenced blobs; returns rows purged. */
    int purgeExpunged(Instant now);

    // outbound queue (DESIGN.md section 6): submitted mail waiting for delivery, replicated like every change

    /**
     * Submission: in ONE transaction, appends {@code content} to the account's Sent mailbox flagged \Seen (against
     * {@code quotaBytes}, OVER_QUOTA when it does not fit; skipped when {@code saveToSent} is false; the account's
     * mailboxes are created when missing) and queues it from {@code sender} ("" for the null sender) to every
     * recipient (duplicates once), due now and tried until {@code expiresAt}. Returns once the entry is durable here and
     * shipped to the replica, like every write; returns the entry's queue id.
     */
    long submit(long accountId, String sender, List<String> recipients, MessageContent content, Instant internalDate,
                Instant expiresAt, long quotaBytes, boolean saveToSent);

    /** Entries with a pending recipient due at or before {@code now}, the longest due first, at most {@code limit}. */
    List<OutboundEntry> dueOutbound(Instant now, int limit);

    /** The queue entry, empty when there is none (never queued, or left the queue). */
    Optional<OutboundEntry> outbound(long queueId);

    /**
     * Before an attempt (a write): when a pending recipient of the entry is due at {@code now}, every pending recipient
     * counts one more attempt and becomes due again at {@code retryAt}, as if the attempt will be deferred, so an attempt
     * cut short by a crash or a failover is retried after a backoff, and a second claim of the same entry finds nothing
     * due. Returns the entry as claimed, or empty when nothing was due (or there is no such entry).
     */
    Optional<OutboundEntry> claimOutbound(long queueId, Instant now, Instant retryAt);

    /**
     * After an attempt, in one transaction: each outcome's recipient (pending, else INVALID) takes its new state; the
     * notice, if not null, is delivered into the sender's INBOX without quota (a delay notice is recorded as sent); an
     * entry with no pending recipient left leaves the queue. Returns the entry as it now is, empty when it left.
     * NOT_FOUND when there is no such entry.
     */
    Optional<OutboundEntry> recordOutboundAttempt(long queueId, List<OutboundOutcome> outcomes, OutboundNotice notice);

    /**
     * The operator's flush (a write): every pending recipient due later than {@code now} becomes due at {@code now},
     * so the runner tries it at its next scan. Returns how many recipients were moved.
     */
    int flushOutbound(Instant now);

    /**
     * The operator's delete (a write): the entry and all its recipients leave the queue without a report to the
     * sender (Postfix's postsuper -d). False when there is no such entry.
     */
    boolean deleteOutbound(long queueId);

    // reads

    List<MessageMeta> messages(long mailboxId);

    /** The visible messages with {@code fromUid <= uid <= toUid}, ascending uid (a FETCH of a range). */
    List<MessageMeta> messages(long mailboxId, long fromUid, long toUid);

    /**
     * The visible messages, ascending uid, without their cached IMAP strings (envelope, body and bodyStructure are
     * null): what SEARCH, SORT and THREAD need, at a fraction of the cost of {@link #messages}.
     */
    List<MessageMeta> summaries(long mailboxId);

    Optional<MessageMeta> message(long mailboxId, long uid);

    /**
     * The top-level header of each visible message with {@code fromUid <= uid <= toUid} that has one kept with its
     * row, by uid, in one query: the blob's bytes from its start up to and including the line break of the first
     * blank line (a LF after a LF or after CR LF), or the whole message when it has no blank line. A message whose
     * header is longer than 64 KiB, or that was stored before the slot kept headers, is absent: read its blob
     * ({@link #openBody}). So IMAP header keys and header FETCHes need no file per message. A mailbox that does not
     * exist has none.
     */
    Map<Long, byte[]> headers(long mailboxId, long fromUid, long toUid);

    /** uid, modseq and flags of every visible message, ascending uid: what SELECT needs, without IMAP strings. */
    List<MessageFlags> flagsAndUids(long mailboxId);

    /** Visible messages with a modseq above {@code modSeq}, ascending uid (CHANGEDSINCE, QRESYNC). */
    List<MessageMeta> changedSince(long mailboxId, long modSeq);

    /**
     * UIDs expunged from the mailbox with an expunge modseq above {@code sinceModSeq}, ascending (VANISHED). Never
     * misses one: when rows expunged after {@code sinceModSeq} have been purged, every UID below UIDNEXT that is not
     * visible is returned (RFC 7162 lets VANISHED (EARLIER) name UIDs the client never knew).
     */
    List<Long> expungedSince(long mailboxId, long sinceModSeq);

    InputStream openBody(String blobHash);

    QuotaUsage quotaUsage(long accountId);

    /** The change log after {@code seq}, at most {@code max} records, ascending: what replication ships. */
    List<ChangeRecord> changesSince(long seq, int max);

    long lastChangeSeq();

    /**
     * Replica side: applies a master's change records in one durable transaction (records at or below
     * {@link #lastChangeSeq()} are skipped; a gap, a bad checksum or a body not yet received fails them all).
     * Returns how many were applied.
     */
    int applyChanges(List<ChangeRecord> records);

    /**
     * Replica side, the first step of a full resync (DESIGN.md section 5, invariant 4): empties this copy in one
     * durable transaction (every replicated row, the change log and its high-water mark; the meta rows start again from
     * a new slot's values) so that the master can ship its whole log from seq 1. The copy's epoch and schema version
     * stay, and so do the bodies: the resent records name them again, and an orphan is removed by the next purge. The
     * full-text index is rebuilt (empty) before this returns. A copy that is not a replica refuses with NOT_MASTER.
     */
    void resetForResync();

    /** What this copy does: a master takes writes, a replica applies a master's changes, a fenced copy neither. */
    CopyRole role();

    /**
     * Makes this copy the slot's master at {@code epoch} (never lower than the current one), after the writes queued
     * before; every later commit goes through {@code shipper} before its callers are answered (null: no replica).
     */
    void becomeMaster(long epoch, CommitShipper shipper);

    /** Makes this copy a replica at {@code epoch}: client writes are refused with NOT_MASTER, applyChanges works. */
    void becomeReplica(long epoch);

    /** Stops all writes here (lease lost, or a newer master exists) until the node learns the copy's new role. */
    void fence();

    /** Whether the body with this SHA-256 is stored here. */
    boolean hasBody(String blobHash);

    /**
     * Stores a body that arrived from the slot's other copy, durably, after checking that its SHA-256 is
     * {@code blobHash} (DESIGN.md section 5, invariant 5): a body with another hash is refused and nothing is stored.
     * A file already stored under that name is replaced, so a scrub repairs a damaged body with it, on a replica or a
     * master copy alike (bodies are content-addressed: the role does not matter).
     */
    void receiveBody(String blobHash, InputStream in);

    /** The size in bytes of the stored body with this SHA-256 (as stored, damaged or not), -1 when there is none. */
    long bodySize(String blobHash);

    /** SHA-256 over every replicated row in key order: two copies at the same seq have the same digest. */
    String contentDigest();

    /**
     * What a scrub compares with the slot's other copy: the seq, {@link #contentDigest()} and a digest per mailbox,
     * read in one snapshot ({@link CopyDigest} specifies them).
     */
    CopyDigest copyDigest();

    /**
     * Re-hashes, once each, the bodies that message rows need (visible and expunged messages) and lists those that
     * are missing or whose bytes no longer hash to their name: what a scrub repairs from the other copy. Reads every
     * body: it takes as long as reading the slot's bodies from disk.
     */
    BodyCheck checkBodies();

    /** Re-hashes every blob and checks every row and change record. Orphan blobs are not problems. */
    VerifyReport verify();

    /** Called on the writer thread after each commit, in sequence order; keep it quick. */
    void addChangeListener(Consumer<ChangeRecord> listener);

    /** See {@link MailboxListener}: once per changed mailbox per commit, after the commit. */
    void addMailboxListener(MailboxListener listener);

    void removeMailboxListener(MailboxListener listener);

    // full-text search

    /**
     * UIDs of the visible messages of the mailbox whose decoded text contains {@code needle}, case-insensitively
     * (IMAP SEARCH BODY / TEXT, RFC 9051 6.4.4: substring, not words). Sees every write committed before the
     * call: it waits for the slot's index to catch up.
     */
    Set<Long> searchText(long mailboxId, String needle, TextField field);

    /** Throws the full-text index away and builds it again from the messages; returns when it is done. */
    void rebuildSearchIndex();

    @Override
    void close();
}
