package org.mailslot.protocols.smtp.client;

/** Whether the client uses STARTTLS, and how much it insists on it. */
public enum TlsPolicy {
    /** Never STARTTLS, even when offered. */
    NONE,
    /**
     * STARTTLS when offered; any certificate is accepted (RFC 7435 opportunistic security) but whether it verified
     * is recorded in {@link TlsInfo}. Plaintext when not offered or refused.
     */
    OPPORTUNISTIC,
    /** STARTTLS with a certificate that verifies (chain and host name); fails the session otherwise. */
    REQUIRED
}
