package org.mailslot.protocols.smtp;

/**
 * The three services the one SMTP engine runs: the inbound MX for hosted domains (port 25, no relaying, no AUTH),
 * submission for authenticated users (port 587/465), and LMTP (RFC 2033) from a trusted MTA, which answers per
 * recipient after the data.
 */
public enum SmtpMode {
    MX, SUBMISSION, LMTP;

    /** The protocol name in the Received header's "with" clause (RFC 3848), without the S/A suffixes. */
    String withName(boolean extended) {
        return this == LMTP ? "LMTP" : extended ? "ESMTP" : "SMTP";
    }
}
