package org.mailslot.protocols.smtp.inbound;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailslot.store.MessageContent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;

class DmarcCheckTest {
    private static final SpfCheck.Result NO_SPF = new SpfCheck.Result("none", "mailfrom", null);

    private TestDnsServer dns;
    private int nextRandom;
    private DmarcCheck dmarc;

    @BeforeEach
    void start() throws Exception {
        dns = new TestDnsServer()
                .txt("_dmarc.example.org", "v=DMARC1; p=reject; rua=mailto:dmarc@example.org")
                .txt("_dmarc.strict.example", "v=DMARC1; p=quarantine; adkim=s; aspf=s")
                .txt("_dmarc.sub.example", "v=DMARC1; p=none; sp=reject")
                .txt("_dmarc.half.example", "v=DMARC1; p=reject; pct=50")
                .txt("_dmarc.twice.example", "v=DMARC1; p=reject")
                .txt("_dmarc.twice.example", "v=DMARC1; p=none")
                .txt("_dmarc.nop.example", "v=DMARC1; rua=mailto:x@nop.example")
                .txt("_dmarc.junk.example", "v=spf1 -all");
        RandomGenerator random = new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public int nextInt(int bound) {
                return nextRandom;
            }
        };
        dmarc = new DmarcCheck(dns.lookup(Duration.ofMillis(500)), OrganizationalDomain.parse(List.of("com", "org", "example", "co.uk")), random);
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private static DmarcCheck.Author author(String header) throws IOException {
        return DmarcCheck.author(HeaderFields.read(MessageContent.of((header + "Subject: x\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8))));
    }

    private DmarcCheck.Result check(String from, SpfCheck.Result spf, DkimCheck.Result... dkim) throws IOException {
        DmarcCheck.Author a = author("From: " + from + "\r\n");
        return dmarc.evaluate(a, dmarc.discover(a), spf, List.of(dkim));
    }

    private static SpfCheck.Result spfPass(String domain) {
        return new SpfCheck.Result("pass", "mailfrom", domain);
    }

    private static DkimCheck.Result dkim(String result, String domain) {
        return new DkimCheck.Result(result, domain, "s1", "abcdefgh1234", null);
    }

    @Test
    void anAlignedSpfOrDkimPassPasses() throws Exception {
        assertThat(check("Alice <alice@example.org>", spfPass("example.org")))
                .isEqualTo(new DmarcCheck.Result("pass", "example.org", "reject", "none", null));
        assertThat(check("alice@example.org", NO_SPF, dkim("pass", "example.org")).result()).isEqualTo("pass");
    }

    @Test
    void relaxedAlignmentAcceptsTheSameOrganizationalDomain() throws Exception {
        assertThat(check("alice@example.org", spfPass("bounces.example.org")).result()).isEqualTo("pass");
        assertThat(check("alice@news.example.org", NO_SPF, dkim("pass", "example.org")).result()).isEqualTo("pass");
    }

    @Test
    void strictAlignmentWantsTheSameName() throws Exception {
        assertThat(check("a@strict.example", spfPass("bounces.strict.example"), dkim("pass", "mail.strict.example")))
                .isEqualTo(new DmarcCheck.Result("fail", "strict.example", "quarantine", "quarantine", null));
        assertThat(check("a@strict.example", spfPass("strict.example")).result()).isEqualTo("pass");
    }

    @Test
    void aPassForAnotherDomainOrAFailingSignatureFails() throws Exception {
        assertThat(check("ceo@example.org", spfPass("evil.com"), dkim("pass", "evil.com"), dkim("fail", "example.org")))
                .isEqualTo(new DmarcCheck.Result("fail", "example.org", "reject", "reject", null));
        assertThat(check("ceo@example.org", new SpfCheck.Result("softfail", "mailfrom", "example.org")).result()).isEqualTo("fail");
    }

    @Test
    void aSubdomainWithoutItsOwnRecordGetsTheOrganizationalDomainsSubdomainPolicy() throws Exception {
        assertThat(check("a@mail.sub.example", NO_SPF)).isEqualTo(new DmarcCheck.Result("fail", "mail.sub.example", "reject", "reject", null));
        assertThat(check("a@sub.example", NO_SPF)).isEqualTo(new DmarcCheck.Result("fail", "sub.example", "none", "none", null));
        assertThat(check("a@www.example.org", NO_SPF).policy()).isEqualTo("reject"); // no sp: p
    }

    @Test
    void pctSamplesAndTheRestGetTheNextMilderPolicy() throws Exception {
        nextRandom = 10;
        assertThat(check("a@half.example", NO_SPF).applied()).isEqualTo("reject");
        nextRandom = 70;
        assertThat(check("a@half.example", NO_SPF).applied()).isEqualTo("quarantine");
    }

    @Test
    void noRecordSeveralRecordsOrNotADmarcRecordIsNone() throws Exception {
        assertThat(check("a@nowhere.example", NO_SPF)).isEqualTo(new DmarcCheck.Result("none", "nowhere.example", null, "none", null));
        assertThat(check("a@twice.example", NO_SPF).result()).isEqualTo("none");
        assertThat(check("a@junk.example", NO_SPF).result()).isEqualTo("none");
        assertThat(check("a@nop.example", NO_SPF)).isEqualTo(new DmarcCheck.Result("fail", "nop.example", "none", "none", null));
    }

    @Test
    void aDnsFailureIsATemporaryErrorWithoutPolicy() throws Exception {
        dns.misbehave("_dmarc.broken.example", TestDnsServer.Misbehaviour.SERVFAIL);
        DmarcCheck.Result r = check("a@broken.example", NO_SPF);
        assertThat(r.result()).isEqualTo("temperror");
        assertThat(r.applied()).isEqualTo("none");
    }

    @Test
    void severalAuthorDomainsAreAPermanentErrorForJunk() throws Exception {
        DmarcCheck.Author two = author("From: a@evil.com\r\nFrom: ceo@example.org\r\n");
        assertThat(dmarc.evaluate(two, dmarc.discover(two), NO_SPF, List.of()))
                .isEqualTo(new DmarcCheck.Result("permerror", null, null, "quarantine", "multiple From fields"));
        assertThat(check("a@evil.com, ceo@example.org", NO_SPF).result()).isEqualTo("permerror");
        assertThat(check("a@example.org, b@EXAMPLE.org", spfPass("example.org")).result()).isEqualTo("pass");
    }

    @Test
    void noAuthorDomainIsNone() throws Exception {
        DmarcCheck.Author none = author("");
        assertThat(dmarc.evaluate(none, dmarc.discover(none), NO_SPF, List.of()))
                .isEqualTo(new DmarcCheck.Result("none", null, null, "none", "no From field"));
        assertThat(check("undisclosed-recipients:;", NO_SPF).reason()).isEqualTo("no domain in From");
    }

    @Test
    void recordSyntax() {
        assertThat(DmarcRecord.parse("v=DMARC1;p=quarantine;sp=none;adkim=s;aspf=r;pct=20"))
                .contains(new DmarcRecord("quarantine", "none", true, false, 20));
        assertThat(DmarcRecord.parse(" v = DMARC1 ; p = REJECT ; pct=500 ; x=y")).contains(new DmarcRecord("reject", "reject", false, false, 100));
        assertThat(DmarcRecord.parse("p=reject; v=DMARC1")).isEmpty();
        assertThat(DmarcRecord.parse("v=DMARC2; p=reject")).isEmpty();
        assertThat(DmarcRecord.parse("v=DMARC1; p=bogus")).isEmpty();
        assertThat(DmarcRecord.parse("")).isEmpty();
        assertThat(DmarcRecord.parse(";;;")).isEmpty();
    }
}
