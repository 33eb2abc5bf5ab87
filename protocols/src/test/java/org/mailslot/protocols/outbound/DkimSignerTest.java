package org.mailslot.protocols.outbound;

import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.DkimKey;
import org.mailslot.store.MessageContent;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DKIM signatures made with jDKIM, checked by jDKIM's verifier and by an independent one (dkimpy, Debian's
 * python3-dkim), on the message exactly as the SMTP client will send it.
 */
class DkimSignerTest {
    static DkimKey key;

    @BeforeAll
    static void makeKey() throws Exception {
        key = key("example.com", "s1");
    }

    static DkimKey key(String domain, String selector) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair pair = g.generateKeyPair();
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return new DkimKey(domain, selector, pem, Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()),
                true, Instant.now());
    }

    static DkimSigner signer(DkimKey... keys) {
        return new DkimSigner(domain -> java.util.Arrays.stream(keys).filter(k -> k.domain().equals(domain)).findFirst());
    }

    static byte[] bytes(MessageContent c) throws IOException {
        try (InputStream in = new DkimSigner.CrlfInputStream(c.open())) { // as the DATA encoder sends it
            return in.readAllBytes();
        }
    }

    /** jDKIM's verdict: the verified signatures' domains, or the failure. */
    static List<String> jdkim(byte[] message, DkimKey... keys) throws IOException, FailException {
        DKIMVerifier v = new DKIMVerifier((method, selector, domain) -> java.util.Arrays.stream(keys)
                .filter(k -> k.domain().contentEquals(domain) && k.selector().contentEquals(selector))
                .map(DkimKey::recordText).toList());
        List<SignatureRecord> ok = v.verify(new ByteArrayInputStream(message));
        return ok.stream().map(r -> r.getDToken().toString()).toList();
    }

    /** dkimpy's verdict, with the key record served from memory instead of DNS. */
    static boolean dkimpy(Path dir, byte[] message, DkimKey k) throws Exception {
        Path msg = Files.write(dir.resolve("msg-" + System.nanoTime() + ".eml"), message);
        String script = """
                import sys, dkim
                record = sys.argv[2].encode()
                def dns(name, timeout=5):
                    return record if name == sys.argv[3].encode() else None
                print(dkim.verify(open(sys.argv[1], 'rb').read(), dnsfunc=dns))
                """;
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", script, msg.toString(), k.recordText(),
                k.recordName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("dkimpy output").isIn("True", "False");
        return out.equals("True");
    }

    static MessageContent text(String s) {
        return MessageContent.of(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void signsWithTheFromDomainsKeyAndBothVerifiersAgree(@TempDir Path dir) throws Exception {
        MessageContent original = text("From: Alice <alice@Example.COM>\r\nTo: bob@example.net\r\n"
                + "Subject: a subject\r\n  folded   over two lines\r\nDate: Mon, 1 Dec 2026 10:00:00 +0000\r\n"
                + "Message-ID: <1@example.com>\r\nX-Unsigned: whatever\r\n\r\n"
                + "Hello\r\n.a dot line\r\n  trailing spaces   \r\n\r\n\r\n");
        MessageContent signed = signer(key).sign("bounces@other.example", original);
        byte[] wire = bytes(signed);
        String head = new String(wire, StandardCharsets.UTF_8);
        assertThat(head).startsWith("DKIM-Signature: ").contains(";\r\n\t"); // folded between tags
        assertThat(head).contains("v=1;", "a=rsa-sha256;", "d=example.com;", "s=s1;", "c=relaxed/relaxed;",
                "h=from:from:subject:date:message-id:to;"); // From is signed once more than it occurs
        assertThat(signed.size()).isEqualTo(wire.length);
        assertThat(jdkim(wire, key)).containsExactly("example.com");
        assertThat(dkimpy(dir, wire, key)).isTrue();

        byte[] tampered = head.replace("Hello", "Hallo").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> jdkim(tampered, key)).isInstanceOf(FailException.class);
        assertThat(dkimpy(dir, tampered, key)).isFalse();
        byte[] extraFrom = ("From: mallory@evil.example\r\n" + head).getBytes(StandardCharsets.UTF_8);
        assertThat(dkimpy(dir, extraFrom, key)).isFalse();
    }

    @Test
    void bareLineEndsAreSignedAsTheyWillBeSent(@TempDir Path dir) throws Exception {
        MessageContent original = text("From: alice@example.com\nSubject: lf only\n\nline one\nline two\rcr\n.\n");
        byte[] wire = bytes(signer(key).sign("alice@example.com", original));
        assertThat(new String(wire, StandardCharsets.UTF_8)).doesNotContainPattern("[^\r]\n").contains("\r\ncr\r\n");
        assertThat(jdkim(wire, key)).containsExactly("example.com");
        assertThat(dkimpy(dir, wire, key)).isTrue();
    }

    @Test
    void theEnvelopeSendersDomainSignsWhenTheFromDomainHasNoKey(@TempDir Path dir) throws Exception {
        DkimKey list = key("lists.example.org", "k");
        MessageContent original = text("From: someone@elsewhere.example\r\nSubject: via a list\r\n\r\nbody\r\n");
        byte[] wire = bytes(signer(key, list).sign("owner@lists.example.org", original));
        assertThat(jdkim(wire, list)).containsExactly("lists.example.org");
        assertThat(dkimpy(dir, wire, list)).isTrue();
    }

    @Test
    void mailFromADomainWithoutKeyOrWithoutHeaderIsSentAsItIs() throws Exception {
        MessageContent plain = text("From: x@unsigned.example\r\n\r\nbody\r\n");
        assertThat(signer(key).sign("x@unsigned.example", plain)).isSameAs(plain);
        assertThat(signer(key).sign("", plain)).isSameAs(plain);
        MessageContent noHeader = text("just a body without any header separator");
        assertThat(signer(key).sign("a@example.com", noHeader)).isSameAs(noHeader);
        assertThat(DkimSigner.none().sign("a@example.com", text("From: a@example.com\r\n\r\nx\r\n"))).isNotNull();
        DkimKey broken = new DkimKey("example.com", "bad", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                key.publicKey(), true, Instant.now());
        MessageContent m = text("From: a@example.com\r\n\r\nx\r\n");
        assertThat(signer(broken).sign("a@example.com", m)).isSameAs(m);
        DkimSigner failingDirectory = new DkimSigner(d -> {
            throw new IllegalStateException("directory down");
        });
        assertThat(failingDirectory.sign("a@example.com", m)).isSameAs(m);
    }

    @Test
    void crlfStreamMatchesTheDataEncodersRules() throws IOException {
        Map<String, String> cases = Map.of("a\nb", "a\r\nb", "a\r\nb", "a\r\nb", "a\rb", "a\r\nb", "a\r", "a\r\n",
                "\r\r\n", "\r\n\r\n", "\n\n", "\r\n\r\n", "", "");
        for (var e : cases.entrySet()) {
            assertThat(new String(bytes(text(e.getKey())), StandardCharsets.UTF_8)).as(e.getKey()).isEqualTo(e.getValue());
        }
    }
}
