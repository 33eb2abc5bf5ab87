package org.mailslot.protocols;

import org.mailslot.core.net.Connection;
import org.mailslot.directory.Account;

import java.io.IOException;

/**
 * What a front does once a client has logged in: the session is carried on by the master of the account's slot
 * (DESIGN.md section 6). The protocol session checks the client's credentials itself, then asks for a backend,
 * answers the client with the backend's own login reply and relays until either side ends.
 */
public interface LoginHandoff {

    enum Protocol { IMAP, POP3, SUBMISSION }

    /**
     * Logs in at the current master of {@code account}'s slot as that account; throws
     * {@link SlotUnavailableException} when no master answers within the configured time.
     *
     * @param client the client's connection, for its address (passed on to the backend) and the log
     */
    Backend open(Protocol protocol, Account account, Connection client);

    /** A logged-in session on a store node. */
    interface Backend extends AutoCloseable {
        /**
         * The backend's answer to the login, to be sent to the client in place of ours: IMAP the text after the tag
         * ({@code OK [CAPABILITY ...] Logged in}), POP3 the {@code +OK} line, SMTP the 235 line.
         */
        String loginReply();

        /**
         * Copies bytes both ways until the client or the backend ends, or the slot's master changes; then tells the
         * client why (IMAP {@code * BYE [UNAVAILABLE]}, ...) unless the backend already did.
         */
        void relay(Connection client) throws IOException;

        @Override
        void close();
    }
}
