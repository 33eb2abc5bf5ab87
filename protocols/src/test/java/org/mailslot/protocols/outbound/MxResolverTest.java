package org.mailslot.protocols.outbound;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.mailslot.protocols.outbound.MxResolver.MxHost;
import org.mailslot.protocols.outbound.MxResolver.Route;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** MX choice (RFC 5321 5.1, RFC 7505) against a real DNS server on loopback. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MxResolverTest {
    TestDns dns;

    @BeforeAll
    void start() throws IOException {
        dns = new TestDns()
                .mx("example.net", 20, "backup.example.net").mx("example.net", 10, "mx1.example.net")
                .mx("example.net", 10, "mx2.example.net").mx("example.net", 10, "mx3.example.net")
                .a("mx1.example.net", "192.0.2.1").aaaa("mx1.example.net", "2001:db8::1").a("mx1.example.net", "192.0.2.11")
                .exists("mx2.example.net")
                .a("implicit.example", "192.0.2.7")
                .mx("nullmx.example", 0, ".")
                .servfail("broken.example")
                .mx("xn--bcher-kva.example", 5, "mx.xn--bcher-kva.example")
                .mx("badhost.example", 10, "gone.example").servfail("gone.example");
    }

    @AfterAll
    void stop() {
        dns.close();
    }

    private MxResolver resolver(long seed) {
        return new MxResolver(List.of(dns.address()), Duration.ofSeconds(2), new Random(seed));
    }

    private static List<String> names(Route r) {
        assertThat(r).isInstanceOf(Route.Hosts.class);
        return ((Route.Hosts) r).hosts().stream().map(MxHost::name).toList();
    }

    @Test
    void mxHostsComeByPreferenceInRandomOrderWithinOne() {
        Set<List<String>> orders = new HashSet<>();
        for (long seed = 0; seed < 30; seed++) {
            List<String> hosts = names(resolver(seed).route("Example.NET"));
            assertThat(hosts).hasSize(4);
            assertThat(hosts.subList(0, 3)).containsExactlyInAnyOrder("mx1.example.net", "mx2.example.net", "mx3.example.net");
            assertThat(hosts.get(3)).isEqualTo("backup.example.net");
            orders.add(hosts);
        }
        assertThat(orders).hasSizeGreaterThan(1); // the same preference is not always tried in the same order
    }

    @Test
    void aDomainWithoutMxIsItsOwnMx() {
        assertThat(names(resolver(1).route("implicit.example"))).containsExactly("implicit.example");
    }

    @Test
    void nullMxAndMissingDomainsArePermanent() {
        assertThat(resolver(1).route("nullmx.example")).isEqualTo(new Route.Permanent("5.1.10",
                "domain nullmx.example accepts no mail (null MX, RFC 7505)"));
        assertThat(resolver(1).route("nowhere.example")).isInstanceOfSatisfying(Route.Permanent.class,
                p -> assertThat(p.status()).isEqualTo("5.1.2"));
        assertThat(resolver(1).route("bad..name")).isInstanceOf(Route.Permanent.class);
    }

    @Test
    void dnsFailuresAreTemporary() throws IOException {
        assertThat(resolver(1).route("broken.example")).isInstanceOfSatisfying(Route.Temporary.class,
                t -> assertThat(t.reason()).contains("broken.example"));
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            MxResolver deaf = new MxResolver(List.of((InetSocketAddress) silent.getLocalSocketAddress()),
                    Duration.ofMillis(300), new Random(1));
            assertThat(deaf.route("example.net")).isInstanceOf(Route.Temporary.class);
        }
    }

    @Test
    void addressesAreIpv4ThenIpv6AndAHostWithoutAnyIsEmpty() throws IOException {
        MxResolver r = resolver(1);
        assertThat(r.addresses(new MxHost("mx1.example.net", 10, null)).found()).extracting(InetAddress::getHostAddress)
                .containsExactly("192.0.2.1", "192.0.2.11", "2001:db8:0:0:0:0:0:1");
        MxResolver.Addresses none = r.addresses(new MxHost("mx2.example.net", 10, null));
        assertThat(none.found()).isEmpty();
        assertThat(none.failure()).isNull();
        assertThat(r.addresses(new MxHost("gone.example", 10, null)).failure()).contains("gone.example");
    }

    @Test
    void internationalDomainsAndAddressLiterals() {
        MxResolver r = resolver(1);
        assertThat(names(r.route("bücher.example"))).containsExactly("mx.xn--bcher-kva.example");
        Route literal = r.route("[192.0.2.9]");
        assertThat(names(literal)).containsExactly("192.0.2.9");
        assertThat(r.addresses(((Route.Hosts) literal).hosts().getFirst()).found())
                .extracting(InetAddress::getHostAddress).containsExactly("192.0.2.9");
        assertThat(names(r.route("[IPv6:2001:db8::5]"))).containsExactly("2001:db8:0:0:0:0:0:5");
        assertThat(r.route("[not-an-address]")).isInstanceOf(Route.Permanent.class);
    }
}
