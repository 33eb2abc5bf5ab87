package org.mailslot.store;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Gives a new message its thread (OBJECTID THREADID, RFC 8474; a JMAP thread). A message whose Message-ID,
 * In-Reply-To or References names a msg-id already seen in the same account joins the thread that id was first
 * seen in; when its ids name several threads it joins the oldest (lowest id) and the threads stay apart: a thread id
 * never changes once given, so threads are never merged. Otherwise it starts a thread whose id is the message's new
 * email id (never given to another thread). Every id of the message is then recorded for the account, an id already
 * known keeping its thread. Subjects play no part.
 */
final class Threads {
    private Threads() {}

    /** Runs in the writer's transaction, before the message row is inserted. */
    static long assign(Tx tx, long accountId, long newEmailId, List<String> messageIds) throws SQLException {
        if (messageIds.isEmpty()) {
            return newEmailId;
        }
        String marks = String.join(", ", Collections.nCopies(messageIds.size(), "?"));
        List<Object> args = new ArrayList<>(messageIds.size() + 1);
        args.add(accountId);
        args.addAll(messageIds);
        long known = tx.queryLong("SELECT coalesce(min(thread_id), 0) FROM thread_msgid WHERE account_id = ?"
                + " AND message_id IN (" + marks + ")", args.toArray());
        long threadId = known != 0 ? known : newEmailId;
        List<Object> rows = new ArrayList<>(messageIds.size() * 3);
        for (String id : messageIds) {
            rows.add(accountId);
            rows.add(id);
            rows.add(threadId);
        }
        tx.update("INSERT OR IGNORE INTO thread_msgid(account_id, message_id, thread_id) VALUES "
                + String.join(", ", Collections.nCopies(messageIds.size(), "(?, ?, ?)")), rows.toArray());
        return threadId;
    }
}
