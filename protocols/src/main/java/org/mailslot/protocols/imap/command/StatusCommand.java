package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.message.ObjectIds;
import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.response.ResponseWriter;
import org.mailslot.protocols.imap.parse.ImapRequest;
import org.mailslot.store.Mailbox;
import org.mailslot.store.MailboxStatus;
import org.mailslot.store.MessageFlags;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** STATUS (RFC 9051 6.3.11) with SIZE, APPENDLIMIT (RFC 7889), HIGHESTMODSEQ and MAILBOXID (RFC 8474). */
public final class StatusCommand {
    private StatusCommand() {}

    public static void run(ImapSession s, ImapRequest.Status r) throws IOException {
        Optional<Mailbox> found = s.store().mailbox(s.account().id(), r.mailbox());
        if (found.isEmpty()) {
            s.no(r.tag(), "NONEXISTENT", "Mailbox does not exist", "not-found");
            return;
        }
        write(s, found.get(), r.items());
        s.ok(r.tag(), null, "STATUS completed");
    }

    /** "* STATUS name (items)" for one mailbox of the account; LIST-STATUS uses it too. */
    static void write(ImapSession s, Mailbox mb, List<ImapRequest.StatusItem> items) throws IOException {
        MailboxStatus st = s.store().status(mb.id());
        ResponseWriter out = s.out();
        out.start().atom("STATUS").mailbox(mb.name()).open();
        for (ImapRequest.StatusItem item : items) {
            out.atom(item.name());
            switch (item) {
                case MESSAGES -> out.number(st.messages());
                case UIDNEXT -> out.number(st.mailbox().uidNext());
                case UIDVALIDITY -> out.number(st.mailbox().uidValidity());
                case UNSEEN -> out.number(st.unseen());
                case DELETED -> out.number(deleted(s, mb));
                case SIZE -> out.number(st.sizeBytes());
                case RECENT -> out.number(0);
                case HIGHESTMODSEQ -> out.number(st.mailbox().highestModSeq());
                case APPENDLIMIT -> out.number(s.settings().maxLiteralSize());
                case MAILBOXID -> out.open().atom(ObjectIds.mailboxId(mb)).close();
            }
        }
        out.close().end();
    }

    private static long deleted(ImapSession s, Mailbox mb) {
        long n = 0;
        for (MessageFlags m : s.store().flagsAndUids(mb.id())) {
            if (m.flags().contains("\\Deleted")) {
                n++;
            }
        }
        return n;
    }
}
