package org.mailslot.protocols.smtp.client;

import java.io.IOException;

/**
 * The session with the server cannot go on: it refused the session (greeting, EHLO, required STARTTLS; then
 * {@link #reply()} is its reply), broke the protocol (malformed, too long or too many reply lines), closed the
 * connection, or did not answer in time. The client is unusable afterwards.
 */
public class SmtpClientException extends IOException {
    private final transient ClientReply reply;

    public SmtpClientException(String message) {
        this(message, null, null);
    }

    public SmtpClientException(String message, Throwable cause) {
        this(message, null, cause);
    }

    public SmtpClientException(String message, ClientReply reply, Throwable cause) {
        super(message, cause);
        this.reply = reply;
    }

    /** The server's reply that ended the session, or null when there was none (network or protocol failure). */
    public ClientReply reply() {
        return reply;
    }
}
