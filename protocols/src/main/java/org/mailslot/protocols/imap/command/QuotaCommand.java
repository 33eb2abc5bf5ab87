package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.parse.ImapRequest;
import org.mailslot.store.QuotaUsage;

import java.io.IOException;

/**
 * QUOTA (RFC 9208): one quota root, "", over all of the account's mailboxes, with the STORAGE resource (KiB) when
 * the account has a limit. Quotas are set by the administrator, so SETQUOTA is refused.
 */
public final class QuotaCommand {
    private QuotaCommand() {}

    public static void getQuotaRoot(ImapSession s, ImapRequest.GetQuotaRoot r) throws IOException {
        if (s.store().mailbox(s.account().id(), r.mailbox()).isEmpty()) {
            s.no(r.tag(), "NONEXISTENT", "Mailbox does not exist", "not-found");
            return;
        }
        s.out().start().atom("QUOTAROOT").mailbox(r.mailbox());
        if (s.account().quotaBytes() <= 0) {
            s.out().end();
        } else {
            s.out().string("").end();
            quota(s);
        }
        s.ok(r.tag(), null, "GETQUOTAROOT completed");
    }

    public static void getQuota(ImapSession s, ImapRequest.GetQuota r) throws IOException {
        if (!r.root().isEmpty() || s.account().quotaBytes() <= 0) {
            s.no(r.tag(), "NONEXISTENT", "No such quota root", "not-found");
            return;
        }
        quota(s);
        s.ok(r.tag(), null, "GETQUOTA completed");
    }

    public static void setQuota(ImapSession s, ImapRequest.SetQuota r) throws IOException {
        s.no(r.tag(), "NOPERM", "Quotas are set by the administrator", "noperm");
    }

    /** "* QUOTA "" (STORAGE used limit)", in KiB. */
    private static void quota(ImapSession s) throws IOException {
        QuotaUsage usage = s.store().quotaUsage(s.account().id());
        s.out().start().atom("QUOTA").string("").open().atom("STORAGE").number(ceilKiB(usage.bytes()))
                .number(s.account().quotaBytes() / 1024).close().end();
    }

    private static long ceilKiB(long bytes) {
        return (bytes + 1023) / 1024;
    }
}
