package org.mailslot.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailslot.directory.DirectoryException.Reason.EXISTS;
import static org.mailslot.directory.DirectoryException.Reason.INVALID;
import static org.mailslot.directory.DirectoryException.Reason.NOT_EMPTY;
import static org.mailslot.directory.DirectoryException.Reason.NOT_FOUND;
import static org.mailslot.directory.Fixtures.fails;
import static org.mailslot.directory.Fixtures.populated;
import static org.mailslot.directory.Fixtures.pw;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DomainsTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void addsListsAndNormalizesDomains(Backend backend) {
        try (Directory d = backend.open()) {
            Domain added = d.addDomain("Example.TEST");
            assertThat(added.name()).isEqualTo("example.test");
            assertThat(added.created()).isNotNull();
            assertThat(d.addDomain("bücher.example").name()).isEqualTo("xn--bcher-kva.example");
            d.addDomain("a.example");

            assertThat(d.listDomains()).extracting(Domain::name)
                    .containsExactly("a.example", "example.test", "xn--bcher-kva.example");
            assertThat(d.isHostedDomain("EXAMPLE.test")).isTrue();
            assertThat(d.isHostedDomain("Bücher.example")).isTrue();
            assertThat(d.isHostedDomain("other.test")).isFalse();
            assertThat(d.isHostedDomain("not a domain")).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void refusesDuplicateAndMalformedDomains(Backend backend) {
        try (Directory d = backend.open()) {
            d.addDomain("example.test");
            fails(EXISTS, "domain example.test already exists", () -> d.addDomain("EXAMPLE.test"));
            for (String bad : new String[] {"", "bad_domain.test", "-x.test", "a..b", "trailing.", "[192.0.2.1]",
                    "a".repeat(64) + ".test", "sp ace.test"}) {
                fails(INVALID, "", () -> d.addDomain(bad));
            }
            assertThat(d.listDomains()).hasSize(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void removesOnlyEmptyDomains(Backend backend) {
        try (Directory d = populated(backend.open())) {
            fails(NOT_FOUND, "domain nowhere.test", () -> d.removeDomain("nowhere.test"));

            d.addAccount("bob@example.test", pw("secret"), 0);
            fails(NOT_EMPTY, "domain example.test still has 1 accounts", () -> d.removeDomain("example.test"));
            d.addAlias("postmaster@example.test", "bob@example.test");

            d.addDomain("other.test");
            d.addAlias("@other.test", "bob@example.test");
            fails(NOT_EMPTY, "domain other.test still has 0 accounts and 1 aliases", () -> d.removeDomain("other.test"));
            d.removeAlias("@other.test", "bob@example.test");
            d.removeDomain("OTHER.test");

            d.removeAccount("bob@example.test");
            d.removeDomain("example.test");
            assertThat(d.listDomains()).isEmpty();
            assertThat(d.isHostedDomain("example.test")).isFalse();
        }
    }
}
