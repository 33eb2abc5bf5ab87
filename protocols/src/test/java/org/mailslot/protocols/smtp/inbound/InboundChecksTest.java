package org.mailslot.protocols.smtp.inbound;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.core.config.ConfigNode;
import org.mailslot.store.MessageContent;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class InboundChecksTest {
    static final String HOST = "mx.example.com";
    static final String RECEIVED = "Received: from mail.example.org ([192.0.2.10])\r\n\tby mx.example.com (mailslot) with ESMTP id 1;\r\n"
            + "\tSun, 29 Nov 2026 02:00:00 +0000\r\n";

    private TestDnsServer dns;
    private TestSigner signer;

    @BeforeEach
    void start() throws Exception {
        dns = new TestDnsServer()
                .txt("example.org", "v=spf1 ip4:192.0.2.0/24 -all")
                .txt("_dmarc.example.org", "v=DMARC1; p=reject")
                .txt("quarantine.example", "v=spf1 ip4:192.0.2.0/24 -all")
                .txt("_dmarc.quarantine.example", "v=DMARC1; p=quarantine");
        signer = new TestSigner("example.org", "s1").publish(dns);
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private InboundChecks checks(String yaml) {
        String base = "resolvers: [\"127.0.0.1:" + dns.port() + "\"]\ndns-timeout: 500ms\npublic-suffix-list: \"\"\n";
        return new InboundChecks(InboundSettings.from(ConfigNode.parse(base + yaml)), HOST);
    }

    private static MessageContent content(String s) {
        return MessageContent.of(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String delivered(Verdict v, MessageContent checked) throws IOException {
        try (InputStream in = v.applyTo(checked).open()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void anAuthenticatedMessageGetsPassingResults() throws Exception {
        MessageContent m = content(RECEIVED + signer.sign(SpamdClientTest.HAM));
        Verdict v = checks("").evaluate(ip("192.0.2.10"), "mail.example.org", "alice@example.org", m);
        assertThat(v.junk()).isFalse();
        assertThat(v.rejection()).isEmpty();
        assertThat(v.summary()).isEqualTo("spf=pass dkim=pass dmarc=pass(p=reject dis=none)");
        String out = delivered(v, m);
        assertThat(out).startsWith("Authentication-Results: mx.example.com;\r\n\tspf=pass (client 192.0.2.10) smtp.mailfrom=example.org;\r\n"
                + "\tdkim=pass header.d=example.org header.s=s1 header.b=");
        assertThat(out).contains("\tdmarc=pass (p=reject dis=none) header.from=example.org\r\n" + RECEIVED);
    }

    @Test
    void aForgedMessageFromADomainWithPReject() throws Exception {
        MessageContent m = content(RECEIVED + signer.sign(SpamdClientTest.HAM).replace("usual place", "new place"));
        Verdict v = checks("").evaluate(ip("198.51.100.9"), "evil.example", "alice@example.org", m);
        assertThat(v.summary()).isEqualTo("spf=fail dkim=fail dmarc=fail(p=reject dis=quarantine) -> Junk");
        assertThat(v.junk()).isTrue();
        assertThat(v.rejection()).isEmpty();
        assertThat(delivered(v, m)).startsWith("X-Spam-Flag: YES\r\nX-Spam-Status: Yes, tests=DMARC_REJECT\r\nAuthentication-Results: ");

        Verdict strict = checks("dmarc-reject: true").evaluate(ip("198.51.100.9"), "evil.example", "alice@example.org", m);
        assertThat(strict.rejection()).contains(new Verdict.Rejection(550, "5.7.1",
                "Unauthenticated email from example.org is not accepted due to the domain's DMARC policy"));
        assertThat(strict.junk()).isFalse();
    }

    @Test
    void pQuarantineGoesToJunk() throws Exception {
        MessageContent m = content(RECEIVED + SpamdClientTest.HAM.replace("alice@example.org", "alice@quarantine.example"));
        Verdict pass = checks("dmarc-reject: true").evaluate(ip("192.0.2.10"), "x", "alice@quarantine.example", m);
        assertThat(pass.junk()).isFalse();
        Verdict fail = checks("dmarc-reject: true").evaluate(ip("203.0.113.1"), "x", "alice@quarantine.example", m);
        assertThat(fail.junk()).isTrue();
        assertThat(fail.rejection()).isEmpty();
        assertThat(fail.headers().get(1)).isEqualTo("X-Spam-Status: Yes, tests=DMARC_QUARANTINE\r\n");
    }

    @Test
    void forgedResultsAndSpamFieldsAreRemovedOthersAuthservIdsKept() throws Exception {
        String msg = RECEIVED + "X-Spam-Flag: NO\r\nAuthentication-Results: MX.example.com; spf=pass smtp.mailfrom=bank.example\r\n"
                + "Authentication-Results: mx.other.example; spf=pass\r\nX-Spam-Status: No, score=-100\r\nx-spam-score: -100\r\n"
                + SpamdClientTest.HAM;
        MessageContent m = content(msg);
        Verdict v = InboundChecks.stripOnly(HOST).evaluate(ip("192.0.2.10"), "x", "alice@example.org", m);
        assertThat(v.headers()).isEmpty();
        assertThat(v.summary()).isEqualTo("no checks");
        assertThat(v.removed()).extracting(Verdict.Removed::name)
                .containsExactly("X-Spam-Flag", "Authentication-Results", "X-Spam-Status", "x-spam-score");
        assertThat(delivered(v, m)).isEqualTo(RECEIVED + "Authentication-Results: mx.other.example; spf=pass\r\n" + SpamdClientTest.HAM);
    }

    @Test
    void dnsThatAnswersGarbageOrNothingGivesTemporaryErrorsAndTheMessageIsDelivered() throws Exception {
        dns.misbehave("bad.example", TestDnsServer.Misbehaviour.GARBAGE)
                .misbehave("_dmarc.bad.example", TestDnsServer.Misbehaviour.SILENT);
        MessageContent m = content(RECEIVED + SpamdClientTest.HAM.replace("alice@example.org", "alice@bad.example"));
        Verdict v = checks("").evaluate(ip("192.0.2.10"), "x", "alice@bad.example", m);
        assertThat(v.summary()).isEqualTo("spf=temperror dkim=none dmarc=temperror");
        assertThat(v.junk()).isFalse();
        assertThat(v.rejection()).isEmpty();
    }

    @Test
    void checksThatOutlastTheTimeoutAreTemporaryErrors() throws Exception {
        dns.misbehave("slow.example", TestDnsServer.Misbehaviour.SILENT)
                .misbehave("_dmarc.slow.example", TestDnsServer.Misbehaviour.SILENT);
        MessageContent m = content(RECEIVED + SpamdClientTest.HAM.replace("alice@example.org", "alice@slow.example"));
        Verdict v = checks("dns-timeout: 5s\ntimeout: 1s").evaluate(ip("192.0.2.10"), "x", "alice@slow.example", m);
        assertThat(v.summary()).isEqualTo("spf=temperror dkim=none dmarc=temperror");
    }

    @Test
    void aSpamdThatAnswersGarbageOrHangsLeavesTheMessageUnscored() throws Exception {
        try (ServerSocket garbage = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             ServerSocket hang = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                while (true) {
                    try (Socket s = garbage.accept()) {
                        s.getOutputStream().write("\u0001\u0002 what?\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            MessageContent m = content(RECEIVED + "X-Spam-Flag: YES\r\n" + SpamdClientTest.HAM);
            for (ServerSocket spamd : List.of(garbage, hang)) {
                Verdict v = checks("spf: false\ndkim: false\ndmarc: false\nspamd: 127.0.0.1:" + spamd.getLocalPort()
                        + "\nspamd-timeout: 1s").evaluate(ip("192.0.2.10"), "x", "alice@example.org", m);
                assertThat(v.summary()).isEqualTo("spam=unscored");
                assertThat(v.headers()).isEmpty();
                assertThat(v.junk()).isFalse();
                assertThat(delivered(v, m)).isEqualTo(RECEIVED + SpamdClientTest.HAM);
            }
        }
    }

    @Test
    void messagesOverTheSpamdSizeLimitAreNotScored() throws Exception {
        try (ServerSocket spamd = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            MessageContent big = content(RECEIVED + SpamdClientTest.HAM + "x".repeat(2000) + "\r\n");
            Verdict v = checks("spf: false\ndkim: false\ndmarc: false\nspamd: 127.0.0.1:" + spamd.getLocalPort()
                    + "\nspamd-max-size: 1K").evaluate(ip("192.0.2.10"), "x", "alice@example.org", big);
            assertThat(v.summary()).isEqualTo("spam=skipped");
            assertThat(v.headers()).isEmpty();
        }
    }

    @Test
    void spamdSpamGoesToJunkWithSpamAssassinsFields(@TempDir Path dir) throws Exception {
        try (TestSpamd spamd = TestSpamd.start(dir)) {
            InboundChecks checks = checks("spamd: 127.0.0.1:" + spamd.port() + "\nspamd-timeout: 60s");
            MessageContent spam = content(RECEIVED + "X-Spam-Flag: NO\r\n" + signer.sign(SpamdClientTest.SPAM));
            Verdict v = checks.evaluate(ip("192.0.2.10"), "mail.example.org", "alice@example.org", spam);
            assertThat(v.junk()).isTrue();
            assertThat(v.summary()).startsWith("spf=pass dkim=pass dmarc=pass(p=reject dis=none) spam=yes ").endsWith(" -> Junk");
            assertThat(v.headers().get(0)).isEqualTo("X-Spam-Flag: YES\r\n");
            assertThat(v.headers().get(1)).matches("X-Spam-Score: \\d+\\.\\d\r\n");
            assertThat(v.headers().get(2)).startsWith("X-Spam-Status: Yes, score=").contains("GTUBE");
            assertThat(delivered(v, spam)).doesNotContain("X-Spam-Flag: NO");

            MessageContent ham = content(RECEIVED + signer.sign(SpamdClientTest.HAM));
            Verdict h = checks.evaluate(ip("192.0.2.10"), "mail.example.org", "alice@example.org", ham);
            assertThat(h.junk()).isFalse();
            assertThat(h.headers().get(0)).startsWith("X-Spam-Score: ");
            assertThat(h.headers().get(1)).startsWith("X-Spam-Status: No, score=");
            assertThat(h.headers().get(2)).startsWith("Authentication-Results: mx.example.com;");
        }
    }

    @Test
    void settings() {
        InboundSettings d = InboundSettings.defaults();
        assertThat(d.spf() && d.dkim() && d.dmarc()).isTrue();
        assertThat(d.dmarcReject()).isFalse();
        assertThat(d.spamd()).isFalse();
        assertThat(d.spamdMaxSize()).isEqualTo(500 << 10);
        assertThat(d.publicSuffixList()).isEqualTo(InboundSettings.DEBIAN_PUBLIC_SUFFIX_LIST);
        InboundSettings s = InboundSettings.from(ConfigNode.parse("resolvers: [\"192.0.2.53\", \"[2001:db8::53]:5353\"]\nspamd: localhost:783"));
        assertThat(s.resolvers()).extracting(a -> a.getHostString() + "/" + a.getPort()).containsExactly("192.0.2.53/53", "2001:db8::53/5353");
        assertThat(s.spamdHost()).isEqualTo("localhost");
        assertThat(s.spamdPort()).isEqualTo(783);
        for (String bad : List.of("spamd: localhost", "spamd: \"host:0\"", "resolvers: [\"a b\"]", "authserv-id: \"x;y\"",
                "spf: false\ndkim: false")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> InboundSettings.from(ConfigNode.parse(bad)))
                    .as(bad).hasMessageContaining("inbound.");
        }
        assertThat(Optional.ofNullable(InboundSettings.from(ConfigNode.parse("public-suffix-list: \"\"")).publicSuffixList())).isEmpty();
    }
}
