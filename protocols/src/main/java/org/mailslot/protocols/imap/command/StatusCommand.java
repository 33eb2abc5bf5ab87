package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.message.ObjectIds;
import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.parse.ImapRequest;
import org.mailslot.protocols.imap.session.Wire;
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
        s.untagged(line(s, found.get(), r.items()));
        s.ok(r.tag(), null, "STATUS completed");
    }

    /** "STATUS name (items)" for one mailbox of the account; LIST-STATUS uses it too. */
    static String line(ImapSession s, Mailbox mb, List<ImapRequest.StatusItem> items) {
        MailboxStatus st = s.store().status(mb.id());
        StringBuilder sb = new StringBuilder("STATUS ").append(Wire.mailbox(s.wireName(mb.name()))).append(" (");
        boolean first = true;
        for (ImapRequest.StatusItem item : items) {
            if (!first) {
                sb.append(' ');
            }
            first = false;
            sb.append(item.name()).append(' ');
            switch (item) {
                case MESSAGES -> sb.append(st.messages());
                case UIDNEXT -> sb.append(st.mailbox().uidNext());
                case UIDVALIDITY -> sb.append(st.mailbox().uidValidity());
                case UNSEEN -> sb.append(st.unseen());
                case DELETED -> sb.append(deleted(s, mb));
                case SIZE -> sb.append(st.sizeBytes());
                case RECENT -> sb.append(0);
                case HIGHESTMODSEQ -> sb.append(st.mailbox().highestModSeq());
                case APPENDLIMIT -> sb.append(s.settings().maxLiteralSize());
                case MAILBOXID -> sb.append('(').append(ObjectIds.mailboxId(mb)).append(')');
            }
        }
        return sb.append(')').toString();
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
