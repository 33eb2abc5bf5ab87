package org.mailslot.protocols.smtp.inbound;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SpfCheckTest {
    private TestDnsServer dns;
    private SpfCheck spf;

    @BeforeEach
    void start() throws Exception {
        dns = new TestDnsServer()
                .txt("example.org", "v=spf1 ip4:192.0.2.0/24 -all")
                .txt("soft.example", "v=spf1 a:mail.soft.example ~all")
                .a("mail.soft.example", "203.0.113.7")
                .txt("neutral.example", "v=spf1 ?all")
                .txt("broken.example", "v=spf1 ip4:192.0.2.0/24 frobnicate:yes -all")
                .txt("twice.example", "v=spf1 -all")
                .txt("twice.example", "v=spf1 +all")
                .txt("helo.example", "v=spf1 ip4:192.0.2.99 -all")
                .txt("nospf.example", "some-site-verification=abc");
        spf = new SpfCheck(dns.lookup(Duration.ofMillis(500)));
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private SpfCheck.Result check(String ip, String helo, String from) throws Exception {
        return spf.check(InetAddress.getByName(ip), helo, from);
    }

    @Test
    void anAddressInTheSendersRangePasses() throws Exception {
        assertThat(check("192.0.2.10", "mail.example.org", "alice@example.org"))
                .isEqualTo(new SpfCheck.Result("pass", "mailfrom", "example.org"));
    }

    @Test
    void anAddressOutsideItFails() throws Exception {
        assertThat(check("198.51.100.1", "mail.example.org", "alice@example.org").result()).isEqualTo("fail");
    }

    @Test
    void tildeAllSoftfailsAndTheAMechanismLooksUpAddresses() throws Exception {
        assertThat(check("203.0.113.7", "x", "bob@soft.example").result()).isEqualTo("pass");
        assertThat(check("203.0.113.8", "x", "bob@soft.example").result()).isEqualTo("softfail");
    }

    @Test
    void neutralNoneAndPermerror() throws Exception {
        assertThat(check("192.0.2.1", "x", "a@neutral.example").result()).isEqualTo("neutral");
        assertThat(check("192.0.2.1", "x", "a@nospf.example").result()).isEqualTo("none");
        assertThat(check("192.0.2.1", "x", "a@nowhere.example").result()).isEqualTo("none");
        assertThat(check("192.0.2.1", "x", "a@broken.example").result()).isEqualTo("permerror");
        assertThat(check("192.0.2.1", "x", "a@twice.example").result()).isEqualTo("permerror");
    }

    @Test
    void theNullSenderIsCheckedAgainstTheHeloName() throws Exception {
        assertThat(check("192.0.2.99", "helo.example", "")).isEqualTo(new SpfCheck.Result("pass", "helo", "helo.example"));
        assertThat(check("192.0.2.98", "helo.example", "").result()).isEqualTo("fail");
        assertThat(check("192.0.2.98", "[192.0.2.98]", "")).isEqualTo(new SpfCheck.Result("none", "helo", "[192.0.2.98]"));
    }

    @Test
    void aServerThatAnswersGarbageFailsOrSaysNothingIsATemporaryError() throws Exception {
        dns.misbehave("garbage.example", TestDnsServer.Misbehaviour.GARBAGE)
                .misbehave("servfail.example", TestDnsServer.Misbehaviour.SERVFAIL)
                .misbehave("silent.example", TestDnsServer.Misbehaviour.SILENT);
        assertThat(check("192.0.2.1", "x", "a@garbage.example").result()).isEqualTo("temperror");
        assertThat(check("192.0.2.1", "x", "a@servfail.example").result()).isEqualTo("temperror");
        assertThat(check("192.0.2.1", "x", "a@silent.example").result()).isEqualTo("temperror");
    }

    @Test
    void ipv6Clients() throws Exception {
        dns.txt("six.example", "v=spf1 ip6:2001:db8::/32 -all");
        assertThat(check("2001:db8::25", "x", "a@six.example").result()).isEqualTo("pass");
        assertThat(check("2001:db9::25", "x", "a@six.example").result()).isEqualTo("fail");
    }
}
