package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.response.ResponseWriter;
import org.mailslot.protocols.imap.response.ResponseStatus;
import org.mailslot.protocols.imap.parse.ImapRequest;
import org.mailslot.protocols.imap.session.SelectedMailbox;
import org.mailslot.store.Mailbox;
import org.mailslot.store.MailboxStatus;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * SELECT and EXAMINE (RFC 9051 6.3.2, 6.3.3; CONDSTORE RFC 7162 3.1.8; QRESYNC 3.2.5, answered by {@link Resync}).
 * Mailboxes are looked up by the account.
 */
public final class SelectCommand {
    static final List<String> FLAGS = List.of("\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft");
    private static final String PERMANENT_FLAGS = "(\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)";

    private SelectCommand() {}

    public static void run(ImapSession s, ImapRequest.Select r) throws IOException {
        if (s.selected() != null) {
            s.select(null);
            s.out().untagged(ResponseStatus.OK, "CLOSED", "Previous mailbox closed");
        }
        Optional<Mailbox> found = s.store().mailbox(s.account().id(), r.mailbox());
        if (found.isEmpty()) {
            s.no(r.tag(), "NONEXISTENT", "Mailbox does not exist", "not-found");
            return;
        }
        if (r.qresync() != null && !s.qresync()) {
            // RFC 7162 3.2.5: QRESYNC parameters without ENABLE QRESYNC are a protocol error
            s.bad(r.tag(), "QRESYNC must be enabled first (ENABLE QRESYNC)");
            return;
        }
        if (r.condStore()) {
            s.enableCondStore();
        }
        Mailbox mb = found.get();
        SelectedMailbox sel = SelectedMailbox.open(s.store(), s.watcher(), mb, r.readOnly());
        MailboxStatus status = s.store().status(mb.id());
        long uidNext = Math.max(status.mailbox().uidNext(), sel.lastUid() + 1);
        ResponseWriter out = s.out();
        out.count(sel.count(), "EXISTS");
        if (!s.rev2()) {
            out.count(0, "RECENT");
            long unseen = s.store().firstUnseenUid(mb.id());
            int seq = unseen == 0 ? 0 : sel.seq(unseen);
            if (seq > 0) {
                out.untagged(ResponseStatus.OK, "UNSEEN " + seq, "First unseen");
            }
        }
        out.untagged(ResponseStatus.OK, "UIDVALIDITY " + mb.uidValidity(), "UIDs valid");
        out.untagged(ResponseStatus.OK, "UIDNEXT " + uidNext, "Predicted next UID");
        out.start().atom("FLAGS").flags(FLAGS).end();
        out.untagged(ResponseStatus.OK, "PERMANENTFLAGS " + (r.readOnly() ? "()" : PERMANENT_FLAGS), "Flags permitted");
        out.untagged(ResponseStatus.OK, "HIGHESTMODSEQ " + sel.knownModSeq(), "Highest");
        if (s.rev2()) {
            List<Mailbox> all = s.store().mailboxes(s.account().id());
            out.start().atom("LIST").flags(MailboxAttributes.of(mb, all, false)).string("/").mailbox(mb.name()).end();
        }
        s.select(sel);
        if (r.qresync() != null && r.qresync().uidValidity() == mb.uidValidity()) {
            Resync.send(s, sel, r.qresync());
        }
        s.ok(r.tag(), r.readOnly() ? "READ-ONLY" : "READ-WRITE", (r.readOnly() ? "EXAMINE" : "SELECT") + " completed");
    }
}
