package org.mailslot.protocols.imap.session;

import org.mailslot.store.MailboxListener;
import org.mailslot.store.SlotStore;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The glue between the stores' mailbox listeners and the IMAP sessions of one service: remembers the latest
 * HIGHESTMODSEQ each store reported per mailbox (so a session can skip asking the store when nothing changed) and
 * wakes the sessions idling on a mailbox. One listener per store, registered the first time a session uses it;
 * a store reopened after a failover is a new object and gets its own.
 */
public final class MailboxWatcher {
    private final Map<SlotStore, StoreWatch> stores = new ConcurrentHashMap<>();

    /** Starts watching the store (idempotent). Call before reading a mailbox's state, so no change is missed. */
    public StoreWatch watch(SlotStore store) {
        return stores.computeIfAbsent(store, s -> {
            StoreWatch w = new StoreWatch();
            s.addMailboxListener(w);
            return w;
        });
    }

    /** What one store has reported. Listener calls come on the store's writer thread and only record and wake. */
    public static final class StoreWatch implements MailboxListener {
        private final Map<Long, Long> highest = new ConcurrentHashMap<>();
        private final Map<Long, Set<Runnable>> waiters = new ConcurrentHashMap<>();

        @Override
        public void changed(long mailboxId, long highestModSeq) {
            highest.merge(mailboxId, highestModSeq, Math::max);
            Set<Runnable> w = waiters.get(mailboxId);
            if (w != null) {
                w.forEach(Runnable::run);
            }
        }

        /** A role change may mean the copy no longer serves clients: every waiter looks. */
        @Override
        public void roleChanged(org.mailslot.store.CopyRole role) {
            waiters.values().forEach(set -> set.forEach(Runnable::run));
        }

        /** The highest modseq reported since watching began, or -1 when the mailbox has not changed since. */
        public long highestModSeq(long mailboxId) {
            return highest.getOrDefault(mailboxId, -1L);
        }

        /** Runs {@code wake} after every change of the mailbox until the returned handle is closed. */
        public AutoCloseable subscribe(long mailboxId, Runnable wake) {
            waiters.computeIfAbsent(mailboxId, id -> ConcurrentHashMap.newKeySet()).add(wake);
            return () -> waiters.computeIfPresent(mailboxId, (id, set) -> {
                set.remove(wake);
                return set.isEmpty() ? null : set;
            });
        }
    }
}
