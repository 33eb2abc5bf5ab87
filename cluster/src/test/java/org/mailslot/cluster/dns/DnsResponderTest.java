package org.mailslot.cluster.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/** The responder over real UDP and TCP, asked with dig (bind9-dnsutils) as any resolver would. */
class DnsResponderTest {
    static final List<String> VIPS = List.of("127.0.0.21", "127.0.0.22", "127.0.0.23", "127.0.0.24");
    /** A 2048-bit RSA key's p= is about 400 characters: more than one TXT string. */
    static final String DKIM = "v=DKIM1; k=rsa; p=" + "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA".repeat(9) + "IDAQAB";

    final AtomicReference<ZoneData> data = new AtomicReference<>(zone(VIPS));
    DnsResponder responder;

    static ZoneData zone(List<String> vips) {
        List<InetAddress> addresses = new ArrayList<>(vips.stream().map(InetAddress::ofLiteral).toList());
        addresses.add(InetAddress.ofLiteral("2001:db8::21"));
        return new ZoneData(addresses, addresses, List.of("example.com", "example.test"),
                List.of(new DkimRecord("example.com", "mail", DKIM), new DkimRecord("gone.example", "mail", DKIM)));
    }

    static DnsSettings settings() {
        return new DnsSettings("127.0.0.1", 0, "example.test", DnsSettings.DEFAULT_SERVICE_NAMES, "mx",
                Duration.ofSeconds(30), List.of("ip4:192.0.2.0/24"), Duration.ofMillis(100));
    }

    @BeforeEach
    void start() {
        responder = new DnsResponder(settings(), data::get).start();
    }

    @AfterEach
    void stop() {
        responder.close();
    }

    String dig(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", String.valueOf(responder.port()),
                "+time=2", "+tries=1"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("dig finishes").isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    static List<String> lines(String text) {
        return text.lines().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void serviceNamesHaveEveryVipInAShuffledOrder() throws Exception {
        Set<List<String>> orders = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            List<String> answer = lines(dig("imap.example.test", "A", "+short"));
            assertThat(answer).containsExactlyInAnyOrderElementsOf(VIPS);
            orders.add(answer);
        }
        // 4 VIPs have 24 orders: 12 answers all in one order would happen once in 24^11
        assertThat(orders).hasSizeGreaterThan(1);
        for (String name : List.of("pop", "smtp", "mail", "www", "mx", "ns")) {
            assertThat(lines(dig(name + ".EXAMPLE.test", "A", "+short"))).containsExactlyInAnyOrderElementsOf(VIPS);
        }
        assertThat(lines(dig("imap.example.test", "AAAA", "+short"))).containsExactly("2001:db8::21");
        assertThat(lines(dig("+tcp", "smtp.example.test", "A", "+short"))).containsExactlyInAnyOrderElementsOf(VIPS);
    }

    @Test
    void hostedDomainsHaveMxSpfAndDkim() throws Exception {
        assertThat(lines(dig("example.com", "MX", "+short"))).containsExactly("10 mx.example.test.");
        assertThat(lines(dig("example.test", "MX", "+short"))).containsExactly("10 mx.example.test.");
        assertThat(lines(dig("example.com", "TXT", "+short"))).containsExactly("\"v=spf1 ip4:127.0.0.21 ip4:127.0.0.22"
                + " ip4:127.0.0.23 ip4:127.0.0.24 ip6:2001:db8::21 ip4:192.0.2.0/24 -all\"");
        String dkim = lines(dig("mail._domainkey.example.com", "TXT", "+short")).getFirst();
        assertThat(dkim).startsWith("\"v=DKIM1; k=rsa; p=MIIB").contains("\" \""); // split into 255-byte strings
        assertThat(dkim.replace("\" \"", "").replace("\"", "")).isEqualTo(DKIM);
        String full = dig("example.com", "SOA");
        assertThat(full).contains("status: NOERROR").contains("flags: qr aa rd")
                .contains("ns.example.test. hostmaster.example.test.");
    }

    @Test
    void unknownNamesInsideAreNxdomainOutsideRefused() throws Exception {
        String nx = dig("nosuch.example.test", "A");
        assertThat(nx).contains("status: NXDOMAIN").contains("flags: qr aa rd").contains("AUTHORITY: 1")
                .contains("example.test.\t\t30\tIN\tSOA");
        assertThat(dig("x.y.example.com", "A")).contains("status: NXDOMAIN");
        assertThat(dig("mail._domainkey.gone.example", "TXT")).contains("status: REFUSED");
        assertThat(dig("www.example.org", "A")).contains("status: REFUSED");
        assertThat(dig("example.test", "AXFR")).contains("Transfer failed");
        // names that exist without records of the type asked: NODATA (NOERROR, no answer), not NXDOMAIN
        String nodata = dig("imap.example.test", "MX");
        assertThat(nodata).contains("status: NOERROR").contains("ANSWER: 0").contains("AUTHORITY: 1");
        assertThat(dig("_domainkey.example.com", "TXT")).contains("status: NOERROR").contains("ANSWER: 0");
    }

    @Test
    void bigAnswersAreTruncatedOverUdpAndWholeOverTcp() throws Exception {
        List<String> many = new ArrayList<>();
        for (int i = 1; i <= 60; i++) {
            many.add("127.0.1." + i);
        }
        data.set(zone(many));
        responder.refresh();
        assertThat(dig("+noedns", "+ignore", "imap.example.test", "A")).contains("flags: qr aa tc rd");
        assertThat(lines(dig("+noedns", "imap.example.test", "A", "+short"))).hasSize(60); // dig retries over TCP
        assertThat(lines(dig("imap.example.test", "A", "+short"))).hasSize(60); // fits EDNS's 1232 bytes
    }

    @Test
    void garbageGetsFormerrOrSilenceAndTheResponderGoesOn() throws Exception {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(2000);
            byte[] garbage = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 7, 'e', 'x'};
            s.send(new DatagramPacket(garbage, garbage.length, new InetSocketAddress("127.0.0.1", responder.port())));
            DatagramPacket reply = new DatagramPacket(new byte[512], 512);
            s.receive(reply);
            Message m = new Message(java.util.Arrays.copyOf(reply.getData(), reply.getLength()));
            assertThat(m.getHeader().getID()).isEqualTo(0x1234);
            assertThat(m.getHeader().getFlag(Flags.QR)).isTrue();
            assertThat(m.getRcode()).isEqualTo(Rcode.FORMERR);
            byte[] shortOne = {1, 2, 3};
            s.send(new DatagramPacket(shortOne, shortOne.length, new InetSocketAddress("127.0.0.1", responder.port())));
        }
        assertThat(lines(dig("imap.example.test", "A", "+short"))).hasSize(4);
    }

    @Test
    void aFailedReadKeepsTheLastDataAndNoDataMeansServfail() throws Exception {
        data.set(null); // load() returns null: the refresh fails with a NullPointerException inside the responder
        DnsResponder failing = new DnsResponder(settings(), () -> {
            throw new IllegalStateException("directory unavailable");
        }).start();
        try {
            List<String> cmd = List.of("dig", "@127.0.0.1", "-p", String.valueOf(failing.port()), "+time=2",
                    "+tries=1", "imap.example.test", "A");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.waitFor(20, TimeUnit.SECONDS);
            assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("status: SERVFAIL");
        } finally {
            failing.close();
        }
        responder.refresh();
        assertThat(lines(dig("imap.example.test", "A", "+short"))).hasSize(4); // still the data read at start
    }
}
