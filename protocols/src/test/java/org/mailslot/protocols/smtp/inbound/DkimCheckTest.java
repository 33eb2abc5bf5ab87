package org.mailslot.protocols.smtp.inbound;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailslot.store.MessageContent;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DkimCheckTest {
    static final String MESSAGE = "From: Alice <alice@example.org>\r\nTo: bob@example.com\r\nSubject: hello\r\n\r\n"
            + "Hi Bob,\r\nsee you at noon.\r\n";

    private TestDnsServer dns;
    private DkimCheck dkim;
    private TestSigner signer;

    @BeforeEach
    void start() throws Exception {
        dns = new TestDnsServer();
        signer = new TestSigner("example.org", "s1").publish(dns);
        dkim = new DkimCheck(dns.lookup(Duration.ofMillis(500)), 3);
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private List<DkimCheck.Result> verify(String message) {
        return dkim.verify(MessageContent.of(message.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aSignedMessagePasses() {
        String signed = signer.sign(MESSAGE);
        List<DkimCheck.Result> results = verify(signed);
        assertThat(results).hasSize(1);
        DkimCheck.Result r = results.getFirst();
        assertThat(r.result()).isEqualTo("pass");
        assertThat(r.domain()).isEqualTo("example.org");
        assertThat(r.selector()).isEqualTo("s1");
        assertThat(r.b()).hasSize(12);
        assertThat(signed).contains("b=" + r.b().substring(0, 4));
    }

    @Test
    void anAlteredBodyOrSignedHeaderFails() {
        String signed = signer.sign(MESSAGE);
        assertThat(verify(signed.replace("noon", "midnight")).getFirst().result()).isEqualTo("fail");
        assertThat(verify(signed.replace("Subject: hello", "Subject: pay now")).getFirst().result()).isEqualTo("fail");
    }

    @Test
    void ourReceivedFieldOnTopDoesNotMatter() {
        String signed = signer.sign(MESSAGE);
        assertThat(verify("Received: from x ([192.0.2.1])\r\n\tby mx.example.com; Sun, 29 Nov 2026 02:00:00 +0000\r\n"
                + signed).getFirst().result()).isEqualTo("pass");
    }

    @Test
    void anUnsignedMessageHasNoResults() {
        assertThat(verify(MESSAGE)).isEmpty();
    }

    @Test
    void aMissingKeyIsNotAPassAndADnsFailureIsTemporary() {
        String other = new TestSigner("example.net", "gone").sign(MESSAGE);
        assertThat(verify(other).getFirst().result()).isIn("fail", "permerror");
        dns.misbehave("s9._domainkey.example.net", TestDnsServer.Misbehaviour.GARBAGE);
        String garbled = new TestSigner("example.net", "s9").sign(MESSAGE);
        DkimCheck.Result r = verify(garbled).getFirst();
        assertThat(r.result()).isEqualTo("temperror");
        assertThat(r.domain()).isEqualTo("example.net");
    }

    @Test
    void aBrokenSignatureFieldIsAPermerror() {
        List<DkimCheck.Result> results = verify("DKIM-Signature: v=1; this is not a signature\r\n" + MESSAGE);
        assertThat(results).extracting(DkimCheck.Result::result).containsExactly("permerror");
        assertThat(results.getFirst().domain()).isNull();
    }

    @Test
    void onlyTheFirstSignaturesAreVerified() {
        String message = MESSAGE;
        for (int i = 0; i < 5; i++) {
            message = new TestSigner("example.org", "k" + i).publish(dns).sign(message); // distinct signatures
        }
        int before = dns.queries();
        assertThat(verify(message)).hasSize(3).allMatch(DkimCheck.Result::pass);
        assertThat(dns.queries() - before).isEqualTo(3);
    }
}
