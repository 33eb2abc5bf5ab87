package org.mailslot.store;

/**
 * Told after each commit, once per mailbox the transaction changed (new or expunged messages, flags, deletion
 * of the mailbox), with its HIGHESTMODSEQ after the commit. Called on the slot's writer thread with no lock
 * held; the writer waits for it, so it must only record the fact and wake whoever cares.
 */
@FunctionalInterface
public interface MailboxListener {
    void changed(long mailboxId, long highestModSeq);

    /** The copy's role changed (see {@link SlotStore#role()}): sessions served from it must look. */
    default void roleChanged(CopyRole role) {
    }
}
