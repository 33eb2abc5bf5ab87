package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.response.ResponseWriter;
import org.mailslot.protocols.imap.parse.ImapRequest;
import org.mailslot.protocols.imap.parse.ImapRequest.ListReturn;
import org.mailslot.protocols.imap.parse.ImapRequest.ListSelect;
import org.mailslot.store.Mailbox;
import org.mailslot.store.SpecialUse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * LIST (RFC 9051 6.3.9) with LIST-EXTENDED (RFC 5258: SUBSCRIBED, RECURSIVEMATCH, SPECIAL-USE selection; RETURN
 * SUBSCRIBED, CHILDREN, SPECIAL-USE), LIST-STATUS (RFC 5819). Children and special-use attributes are always sent.
 * Only the account's own mailboxes exist here.
 */
public final class ListCommand {
    private ListCommand() {}

    public static void run(ImapSession s, ImapRequest.ListMailboxes r) throws IOException {
        if (r.patterns().size() == 1 && r.patterns().getFirst().isEmpty()) {
            s.out().start().atom("LIST").flags(List.of("\\Noselect")).string("/").string("").end();
            s.ok(r.tag(), null, "LIST completed");
            return;
        }
        List<Mailbox> all = s.store().mailboxes(s.account().id());
        boolean subscribedOnly = r.selection().contains(ListSelect.SUBSCRIBED);
        boolean recursive = r.selection().contains(ListSelect.RECURSIVEMATCH);
        boolean specialOnly = r.selection().contains(ListSelect.SPECIAL_USE);
        boolean showSubscribed = subscribedOnly || r.returns().contains(ListReturn.SUBSCRIBED);
        for (Mailbox m : all) {
            if (!matchesAny(r, m.name())) {
                continue;
            }
            if (specialOnly && (m.specialUse() == SpecialUse.NONE || m.specialUse() == SpecialUse.INBOX)) {
                continue;
            }
            boolean childInfo = false;
            if (subscribedOnly && !m.subscribed()) {
                if (recursive && hasSubscribedChild(m, all)) {
                    childInfo = true;
                } else {
                    continue;
                }
            }
            List<String> attrs = MailboxAttributes.of(m, all, showSubscribed);
            ResponseWriter out = s.out();
            out.start().atom("LIST").flags(attrs).string("/").mailbox(m.name());
            if (childInfo) {
                out.open().string("CHILDINFO").open().string("SUBSCRIBED").close().close();
            }
            out.end();
            if (!r.statusItems().isEmpty()) {
                StatusCommand.write(s, m, r.statusItems());
            }
        }
        s.ok(r.tag(), null, "LIST completed");
    }

    private static boolean matchesAny(ImapRequest.ListMailboxes r, String name) {
        for (String p : r.patterns()) {
            if (MailboxAttributes.matches(r.reference() + p, name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasSubscribedChild(Mailbox m, List<Mailbox> all) {
        String prefix = m.name() + "/";
        List<Mailbox> children = new ArrayList<>();
        for (Mailbox o : all) {
            if (o.name().startsWith(prefix) && o.subscribed()) {
                children.add(o);
            }
        }
        return !children.isEmpty();
    }
}
