package org.mailslot.protocols.smtp.inbound;

import org.apache.james.jdkim.DKIMSigner;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Signs test messages with jDKIM and publishes the public key in a {@link TestDnsServer}. */
public final class TestSigner {
    private final String domain;
    private final String selector;
    private final KeyPair keys;

    public TestSigner(String domain, String selector) {
        this.domain = domain;
        this.selector = selector;
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(1024); // test keys only; quick to make
            this.keys = g.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public TestSigner publish(TestDnsServer dns) {
        dns.txt(selector + "._domainkey." + domain,
                "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()));
        return this;
    }

    /** {@code message} (CRLF lines) with a DKIM-Signature field on top over From, To, Subject and the body. */
    public String sign(String message) {
        try {
            DKIMSigner signer = new DKIMSigner("v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + domain + "; s=" + selector
                    + "; h=from:to:subject; bh=; b=;", keys.getPrivate());
            String field = signer.sign(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));
            return field + "\r\n" + message;
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign", e);
        }
    }
}
