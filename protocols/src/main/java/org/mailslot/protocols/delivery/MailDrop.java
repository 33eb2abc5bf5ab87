package org.mailslot.protocols.delivery;

import org.mailslot.directory.Account;
import org.mailslot.store.MessageContent;

import java.time.Instant;
import java.util.List;

/**
 * Where SMTP, submission and LMTP sessions hand accepted mail: {@link Ingest} on a store node writes the slots it
 * masters; a front hands the message on to the master of each recipient's slot. Either way an outcome means the
 * message is durable on both copies of the slot (or was not delivered).
 */
public interface MailDrop {

    /**
     * Checks before accepting a recipient whether its accounts' slots are reachable and whether they have room for
     * {@code expectedSize} more octets (0 when unknown): {@link Outcome.Delivered} means "looks fine".
     */
    Outcome precheck(List<Account> accounts, long expectedSize);

    /**
     * Delivers {@code content} to every recipient's accounts and returns one outcome per recipient, in order. Never
     * throws for a store or slot failure: those become {@link Outcome.TemporaryFailure}. {@code sender} is the
     * envelope sender ("" for a bounce). Every recipient is {@linkplain Recipient#hosted() hosted}.
     */
    List<Outcome> deliver(String sender, List<Recipient> recipients, MessageContent content, Instant internalDate, ReplyScope scope);

    /** Refuses a recipient without accounts: a caller's mistake, which would otherwise count as delivered. */
    static void requireHosted(List<Recipient> recipients) {
        for (Recipient r : recipients) {
            if (!r.hosted()) {
                throw new IllegalArgumentException("recipient " + r.address() + " is not hosted here");
            }
        }
    }

    /**
     * One accepted recipient: the address as the client gave it and the accounts it resolved to; no accounts for a
     * recipient in another domain, which only submission accepts (for the outbound queue, never for a MailDrop).
     */
    record Recipient(String address, List<Account> accounts) {
        public Recipient {
            accounts = List.copyOf(accounts);
        }

        /** A recipient outside the hosted domains. */
        public static Recipient remote(String address) {
            return new Recipient(address, List.of());
        }

        public boolean hosted() {
            return !accounts.isEmpty();
        }
    }

    /** What happened to one recipient. */
    sealed interface Outcome {
        /** Durable in every account's INBOX; {@code graced} of them went over their quota by this message. */
        record Delivered(int accounts, int graced) implements Outcome {}

        record OverQuota(long usedBytes, long quotaBytes) implements Outcome {}

        /** Not delivered (or not to all accounts): the sender should try again later. */
        record TemporaryFailure(String reason) implements Outcome {}
    }

    /** Whether one reply covers all recipients (SMTP) or each recipient has its own (LMTP); see quota grace in {@link Ingest}. */
    enum ReplyScope { PER_MESSAGE, PER_RECIPIENT }
}
