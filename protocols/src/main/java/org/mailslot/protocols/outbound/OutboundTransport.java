package org.mailslot.protocols.outbound;

import org.mailslot.store.MessageContent;

import java.util.List;

/**
 * One delivery attempt of a queued message: hands it to the servers responsible for its recipients (remote MX hosts
 * through the SMTP client, hosted accounts through their slot's master) and says what became of each recipient.
 * Implementations never throw for a network or remote failure: that is a {@link RecipientResult.Status#TEMPORARY}
 * result.
 */
public interface OutboundTransport {

    /** Tries once; one result per recipient of {@code envelope}, in the same order. */
    List<RecipientResult> deliver(Envelope envelope, MessageContent content);

    /** The SMTP envelope of a queued message: sender ("" for a bounce) and the recipients still to be tried. */
    record Envelope(String sender, List<String> recipients) {
        public Envelope {
            recipients = List.copyOf(recipients);
        }
    }

    /**
     * What one recipient's server answered: {@code code} and {@code enhanced} are the SMTP reply (0 and null when
     * no reply was received, e.g. no MX host answered), {@code diagnostic} the reply text or the local reason, and
     * {@code remoteMta} the host that answered (null when none did); these feed the DSN (RFC 3464).
     */
    record RecipientResult(String recipient, Status status, int code, String enhanced, String diagnostic,
                           String remoteMta) {
        public enum Status { DELIVERED, TEMPORARY, PERMANENT }
    }
}
