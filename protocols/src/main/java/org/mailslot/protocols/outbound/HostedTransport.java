package org.mailslot.protocols.outbound;

import org.mailslot.directory.Account;
import org.mailslot.directory.Directory;
import org.mailslot.directory.DirectoryException;
import org.mailslot.protocols.delivery.MailDrop;
import org.mailslot.store.MessageContent;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Delivers queued mail to recipients in hosted domains through a {@link MailDrop} (on a store node: the masters of
 * their slots over LMTP), as the MX would, so aliases, catch-alls and quotas apply alike. An address that resolves to
 * no account is a permanent failure (550 5.1.1); a full mailbox or an unreachable slot is temporary.
 */
public final class HostedTransport implements OutboundTransport {
    private final Directory directory;
    private final MailDrop drop;
    private final Clock clock;

    public HostedTransport(Directory directory, MailDrop drop, Clock clock) {
        this.directory = directory;
        this.drop = drop;
        this.clock = clock;
    }

    @Override
    public List<RecipientResult> deliver(Envelope envelope, MessageContent content) {
        List<RecipientResult> results = new ArrayList<>(envelope.recipients().size());
        List<MailDrop.Recipient> hosted = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (String address : envelope.recipients()) {
            List<Account> accounts;
            try {
                accounts = directory.resolveRecipient(address);
            } catch (DirectoryException e) {
                results.add(e.reason() == DirectoryException.Reason.INVALID
                        ? result(address, RecipientResult.Status.PERMANENT, 553, "5.1.3", "bad address syntax")
                        : result(address, RecipientResult.Status.TEMPORARY, 451, "4.3.0", "directory unavailable"));
                continue;
            }
            if (accounts.isEmpty()) {
                results.add(result(address, RecipientResult.Status.PERMANENT, 550, "5.1.1", "user unknown"));
                continue;
            }
            positions.add(results.size());
            results.add(null);
            hosted.add(new MailDrop.Recipient(address, accounts));
        }
        if (!hosted.isEmpty()) {
            List<MailDrop.Outcome> outcomes = drop.deliver(envelope.sender(), hosted, content, clock.instant(),
                    MailDrop.ReplyScope.PER_RECIPIENT);
            for (int i = 0; i < hosted.size(); i++) {
                String address = hosted.get(i).address();
                results.set(positions.get(i), switch (outcomes.get(i)) {
                    case MailDrop.Outcome.Delivered d -> result(address, RecipientResult.Status.DELIVERED, 250, "2.0.0", "delivered");
                    case MailDrop.Outcome.OverQuota q -> result(address, RecipientResult.Status.TEMPORARY, 452, "4.2.2", "mailbox full");
                    case MailDrop.Outcome.TemporaryFailure f -> result(address, RecipientResult.Status.TEMPORARY, 451, "4.3.0", f.reason());
                });
            }
        }
        return results;
    }

    private static RecipientResult result(String address, RecipientResult.Status status, int code, String enhanced, String text) {
        return new RecipientResult(address, status, code, enhanced, code + " " + enhanced + " " + text, null);
    }
}
