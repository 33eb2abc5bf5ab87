package org.mailslot.protocols.pop3;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The accounts whose maildrop a session of this service holds (RFC 1939: exclusive access while in TRANSACTION).
 * In-process: every POP3 session of a slot runs on the node that masters it, and the proxy sends it there.
 */
final class MaildropLocks {
    private final Map<Long, String> holders = new ConcurrentHashMap<>();

    /** Takes the account's lock for {@code sessionId}; false when another session holds it. */
    boolean tryLock(long accountId, String sessionId) {
        return holders.putIfAbsent(accountId, sessionId) == null;
    }

    /** The session holding the account's lock, or null. */
    String holder(long accountId) {
        return holders.get(accountId);
    }

    /** Releases the lock if {@code sessionId} holds it; safe to call more than once. */
    void unlock(long accountId, String sessionId) {
        holders.remove(accountId, sessionId);
    }
}
