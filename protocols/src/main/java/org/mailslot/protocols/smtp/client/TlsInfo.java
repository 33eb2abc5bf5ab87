package org.mailslot.protocols.smtp.client;

/**
 * What STARTTLS negotiated: the protocol and cipher suite, whether the server's certificate verified (chain against
 * the trust anchors and the server name) and, when it did not, why.
 */
public record TlsInfo(String protocol, String cipherSuite, boolean verified, String verifyFailure) {
    @Override
    public String toString() {
        return protocol + " " + cipherSuite + (verified ? " (verified)" : " (not verified: " + verifyFailure + ")");
    }
}
