package org.mailslot.store;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
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

    MailboxStatus status(long mailboxId);

    /** Creates missing parents too. {@link SpecialUse#INBOX} is refused (INVALID). */
    Mailbox createMailbox(long accountId, String name, SpecialUse use);

    /** Renames with inferiors; renaming INBOX moves its messages to a new mailbox and leaves INBOX empty. */
    void renameMailbox(long accountId, String from, String to);

    /** INBOX and special-use mailboxes are refused (SPECIAL_USE); messages become expunged (restorable). */
    void deleteMailbox(long accountId, String name);

    void setSubscribed(long accountId, String name, boolean subscribed);

    // writes

    /** Into the INBOX of each target (accounts created when missing): one blob, one transaction. */
    List<DeliveryOutcome> deliver(MessageContent body, Instant internalDate, List<DeliveryTarget> targets);

    AppendResult append(long accountId, String mailbox, MessageContent body, Set<String> flags,
                        Instant internalDate, long quotaBytes);

    /** Returns the messages found among {@code uids}, after the change, ascending uid. */
    List<MessageMeta> storeFlags(long mailboxId, Collection<Long> uids, FlagOp op, Set<String> flags);

    /** Same blob and emailId, new UIDs; all or nothing against the target's quota. Ascending source uid. */
    List<AppendResult> copy(long fromMailboxId, Collection<Long> uids, long toMailboxId, long quotaBytes);

    /** Hides the messages, kept for the expunge retention with their expunge modseq (QRESYNC). */
    void expunge(long mailboxId, Collection<Long> uids);

    /** Brings messages expunged at or after {@code expungedSince} back with new UIDs; returns the count. */
    int restore(long accountId, Instant expungedSince);

    /** Deletes rows expunged before {@code now - expungeRetention}, then unreferenced blobs; returns rows purged. */
    int purgeExpunged(Instant now);

    // reads

    List<MessageMeta> messages(long mailboxId);

    Optional<MessageMeta> message(long mailboxId, long uid);

    /** UIDs expunged from the mailbox with an expunge modseq above {@code sinceModSeq}, ascending (VANISHED). */
    List<Long> expungedSince(long mailboxId, long sinceModSeq);

    InputStream openBody(String blobHash);

    QuotaUsage quotaUsage(long accountId);

    List<ChangeRecord> changesSince(long seq, int max);

    long lastChangeSeq();

    /** Re-hashes every blob and checks every row and change record. Orphan blobs are not problems. */
    VerifyReport verify();

    /** Called on the writer thread after each commit, in sequence order; keep it quick. */
    void addChangeListener(Consumer<ChangeRecord> listener);

    @Override
    void close();
}
