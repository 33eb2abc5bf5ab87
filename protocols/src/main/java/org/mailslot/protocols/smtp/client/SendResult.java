package org.mailslot.protocols.smtp.client;

import java.util.List;

/**
 * What became of each recipient of one {@link SmtpClient#send} transaction, in the order given: the reply that
 * decided its fate and at which stage it came.
 */
public record SendResult(List<RecipientReply> recipients) {

    public SendResult {
        recipients = List.copyOf(recipients);
    }

    /** Where a recipient's fate was decided. */
    public enum Stage {
        /** The client did not send the message: the server cannot take it (size, SMTPUTF8); the reply is made up. */
        LOCAL,
        /** MAIL FROM was refused. */
        MAIL,
        /** RCPT TO was refused. */
        RCPT,
        /** The recipient was accepted and this is the reply to DATA or to the message's final dot. */
        DATA
    }

    /** One recipient's reply; it was delivered exactly when {@code stage == DATA && reply.isPositive()}. */
    public record RecipientReply(String recipient, Stage stage, ClientReply reply) {
        public boolean delivered() {
            return stage == Stage.DATA && reply.isPositive();
        }
    }

    /** Whether every recipient was delivered. */
    public boolean allDelivered() {
        return recipients.stream().allMatch(RecipientReply::delivered);
    }
}
