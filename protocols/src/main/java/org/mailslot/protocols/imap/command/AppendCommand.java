package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.response.SequenceSets;
import org.mailslot.protocols.imap.parse.ImapRequest;
import org.mailslot.store.AppendRequest;
import org.mailslot.store.AppendResult;
import org.mailslot.store.Mailbox;
import org.mailslot.store.MessageContent;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * APPEND (RFC 9051 6.3.12) with MULTIAPPEND (RFC 3502: all messages in one transaction, all or none), APPENDUID
 * (RFC 4315) and the account's quota ({@code NO [OVERQUOTA]}). The literal size limit (APPENDLIMIT) is the reader's.
 */
public final class AppendCommand {
    private AppendCommand() {}

    public static void run(ImapSession s, ImapRequest.Append r) throws IOException {
        Optional<Mailbox> target = s.store().mailbox(s.account().id(), r.mailbox());
        if (target.isEmpty()) {
            s.no(r.tag(), "TRYCREATE", "Mailbox does not exist", "not-found");
            return;
        }
        Instant now = s.context().clock().instant();
        List<AppendRequest> requests = new ArrayList<>(r.messages().size());
        for (ImapRequest.AppendMessage m : r.messages()) {
            if (m.content().length == 0) {
                s.no(r.tag(), null, "Empty message", "empty");
                return;
            }
            requests.add(new AppendRequest(MessageContent.of(m.content()), new HashSet<>(m.flags()),
                    m.internalDate() == null ? now : m.internalDate().toInstant()));
        }
        List<AppendResult> results;
        if (requests.size() == 1) {
            AppendRequest one = requests.getFirst();
            results = List.of(s.store().append(s.account().id(), target.get().name(), one.body(), one.flags(),
                    one.internalDate(), s.account().quotaBytes()));
        } else {
            results = s.store().appendAll(s.account().id(), target.get().name(), requests, s.account().quotaBytes());
        }
        if (s.selected() != null && s.selected().mailboxId() == target.get().id()) {
            s.selected().changedHere();
        }
        List<Long> uids = new ArrayList<>();
        results.forEach(a -> uids.add(a.uid()));
        s.ok(r.tag(), "APPENDUID " + results.getFirst().uidValidity() + " " + SequenceSets.compact(MessageSets.array(uids)),
                "APPEND completed");
    }
}
