package org.mailslot.protocols.smtp.inbound;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class OrganizationalDomainTest {
    private static final OrganizationalDomain RULES = OrganizationalDomain.parse(List.of(
            "// comment", "", "com", "uk", "co.uk", "jp", "*.kawasaki.jp", "!city.kawasaki.jp",
            "// ===BEGIN PRIVATE DOMAINS===", "github.io", "рф"));

    @Test
    void theSuffixPlusOneLabel() {
        assertThat(RULES.of("mail.example.com")).isEqualTo("example.com");
        assertThat(RULES.of("a.b.example.co.uk")).isEqualTo("example.co.uk");
        assertThat(RULES.of("Example.COM.")).isEqualTo("example.com");
        assertThat(RULES.of("alice.github.io")).isEqualTo("alice.github.io");
    }

    @Test
    void wildcardsAndExceptions() {
        assertThat(RULES.of("www.shop.kawasaki.jp")).isEqualTo("www.shop.kawasaki.jp");
        assertThat(RULES.of("x.www.shop.kawasaki.jp")).isEqualTo("www.shop.kawasaki.jp");
        assertThat(RULES.of("www.city.kawasaki.jp")).isEqualTo("city.kawasaki.jp");
    }

    @Test
    void aPublicSuffixOrASingleLabelIsItsOwnOrganizationalDomain() {
        assertThat(RULES.of("co.uk")).isEqualTo("co.uk");
        assertThat(RULES.of("localhost")).isEqualTo("localhost");
    }

    @Test
    void unlistedTopLevelDomainsFollowTheImplicitStarRule() {
        assertThat(RULES.of("mx.example.invalid")).isEqualTo("example.invalid");
    }

    @Test
    void internationalNamesCompareInAsciiForm() {
        assertThat(RULES.of("почта.пример.рф")).isEqualTo("xn--e1afmkfd.xn--p1ai");
        assertThat(RULES.of("mail.xn--e1afmkfd.xn--p1ai")).isEqualTo("xn--e1afmkfd.xn--p1ai");
    }

    @Test
    void withoutAListTheLastTwoLabels() {
        OrganizationalDomain simple = OrganizationalDomain.load(Path.of("/nonexistent/public_suffix_list.dat"));
        assertThat(simple.of("a.b.example.co.uk")).isEqualTo("co.uk");
        assertThat(simple.of("mail.example.com")).isEqualTo("example.com");
    }

    @Test
    void debiansList() {
        assumeTrue(Files.exists(InboundSettings.DEBIAN_PUBLIC_SUFFIX_LIST), "Debian's publicsuffix package is not installed");
        OrganizationalDomain psl = OrganizationalDomain.load(InboundSettings.DEBIAN_PUBLIC_SUFFIX_LIST);
        assertThat(psl.of("mail.example.co.uk")).isEqualTo("example.co.uk");
        assertThat(psl.of("bounces.mail.example.com")).isEqualTo("example.com");
        assertThat(psl.of("foo.bar.blogspot.com")).isEqualTo("bar.blogspot.com");
    }
}
