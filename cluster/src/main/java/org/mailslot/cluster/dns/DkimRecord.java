package org.mailslot.cluster.dns;

/**
 * A DKIM public key record to publish: TXT at {@code selector._domainkey.domain}, {@code value} like
 * {@code v=DKIM1; k=rsa; p=MIIB...} (split into 255-byte strings on the wire).
 */
public record DkimRecord(String domain, String selector, String value) {
}
