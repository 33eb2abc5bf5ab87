package org.mailslot.directory;

import java.time.Instant;

/**
 * A DKIM signing key of a hosted domain (RFC 6376): {@code selector} names it in DNS
 * ({@code selector._domainkey.domain}), {@code privateKeyPem} is the PKCS#8 PEM RSA key, {@code publicKey} the
 * base64 SubjectPublicKeyInfo published as {@code p=}. Outbound mail is signed with the domain's {@code active} key.
 */
public record DkimKey(String domain, String selector, String privateKeyPem, String publicKey, boolean active,
                      Instant created) {

    /** The DNS name of the key record, with the trailing dot. */
    public String recordName() {
        return selector + "._domainkey." + domain + ".";
    }

    /** The TXT record's text: {@code v=DKIM1; k=rsa; p=...}. */
    public String recordText() {
        return "v=DKIM1; k=rsa; p=" + publicKey;
    }

    /**
     * The record as one zone-file line, e.g. {@code s1._domainkey.example.com. IN TXT "v=DKIM1; k=rsa; p=MIIB..."};
     * the text is split into strings of at most 255 octets, as DNS requires (resolvers join them).
     */
    public String zoneLine() {
        String text = recordText();
        StringBuilder sb = new StringBuilder(recordName()).append(" IN TXT");
        for (int i = 0; i < text.length(); i += 255) {
            sb.append(" \"").append(text, i, Math.min(text.length(), i + 255)).append('"');
        }
        return sb.toString();
    }

    @Override
    public String toString() { // never the private key
        return "DkimKey[" + domain + ", selector=" + selector + (active ? ", active" : "") + ", created=" + created + "]";
    }
}
