package org.mailslot.protocols.imap;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Counts the logged-in sessions of each account on this service (imap.sessions-per-account). */
final class AccountSessions {
    private final Map<Long, Integer> open = new ConcurrentHashMap<>();

    boolean acquire(long accountId, int max) {
        boolean[] ok = {false};
        open.compute(accountId, (id, n) -> {
            int now = n == null ? 0 : n;
            if (now >= max) {
                return n;
            }
            ok[0] = true;
            return now + 1;
        });
        return ok[0];
    }

    void release(long accountId) {
        open.computeIfPresent(accountId, (id, n) -> n <= 1 ? null : n - 1);
    }
}
