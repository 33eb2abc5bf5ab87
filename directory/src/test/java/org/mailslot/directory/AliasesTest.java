package org.mailslot.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailslot.directory.DirectoryException.Reason.EXISTS;
import static org.mailslot.directory.DirectoryException.Reason.INVALID;
import static org.mailslot.directory.DirectoryException.Reason.NOT_FOUND;
import static org.mailslot.directory.Fixtures.fails;
import static org.mailslot.directory.Fixtures.populated;
import static org.mailslot.directory.Fixtures.pw;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AliasesTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void addsListsAndRemovesAliases(Backend backend) {
        try (Directory d = populated(backend.open())) {
            d.addDomain("other.test");
            d.addAccount("bob@example.test", pw("secret"), 0);
            d.addAccount("carol@other.test", pw("secret"), 0);

            assertThat(d.addAlias("Info@EXAMPLE.test", "BOB@example.test"))
                    .isEqualTo(new Alias("Info@example.test", "BOB@example.test"));
            d.addAlias("info@example.test", "carol@other.test");
            d.addAlias("@Other.test", "carol@other.test");
            d.addAlias("sales@other.test", "info@example.test");

            assertThat(d.listAliases(null)).containsExactly(
                    new Alias("Info@example.test", "BOB@example.test"),
                    new Alias("Info@example.test", "carol@other.test"),
                    new Alias("@other.test", "carol@other.test"),
                    new Alias("sales@other.test", "info@example.test"));
            assertThat(d.listAliases("other.test")).hasSize(2);
            fails(NOT_FOUND, "domain nowhere.test", () -> d.listAliases("nowhere.test"));

            d.removeAlias("INFO@example.test", "bob@example.test");
            assertThat(d.listAliases("example.test")).containsExactly(new Alias("Info@example.test", "carol@other.test"));
            fails(NOT_FOUND, "alias info@example.test -> bob@example.test",
                    () -> d.removeAlias("info@example.test", "bob@example.test"));
            d.removeAlias("@other.test", "carol@other.test");
            assertThat(d.listAliases("other.test")).containsExactly(new Alias("sales@other.test", "info@example.test"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void refusesBadAliases(Backend backend) {
        try (Directory d = populated(backend.open())) {
            d.addAccount("bob@example.test", pw("secret"), 0);
            d.addAlias("a@example.test", "bob@example.test");

            fails(EXISTS, "alias A@example.test -> Bob@example.test already exists",
                    () -> d.addAlias("A@example.test", "Bob@example.test"));
            fails(NOT_FOUND, "elsewhere.test", () -> d.addAlias("x@elsewhere.test", "bob@example.test"));
            fails(NOT_FOUND, "account or alias nobody@example.test", () -> d.addAlias("x@example.test", "nobody@example.test"));
            fails(INVALID, "not supported yet", () -> d.addAlias("x@example.test", "someone@gmail.test"));
            fails(EXISTS, "account bob@example.test", () -> d.addAlias("bob@example.test", "a@example.test"));
            fails(INVALID, "", () -> d.addAlias("x@example.test", "@example.test"));
            fails(INVALID, "", () -> d.addAlias("bad address@example.test", "bob@example.test"));
            fails(INVALID, "", () -> d.addAlias("@bad_domain", "bob@example.test"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void refusesLoops(Backend backend) {
        try (Directory d = populated(backend.open())) {
            d.addAccount("bob@example.test", pw("secret"), 0);
            d.addAlias("a@example.test", "bob@example.test");
            d.addAlias("b@example.test", "a@example.test");
            d.addAlias("c@example.test", "b@example.test");
            fails(INVALID, "alias a@example.test -> c@example.test would make a loop",
                    () -> d.addAlias("a@example.test", "c@example.test"));
            fails(INVALID, "loop", () -> d.addAlias("a@example.test", "A@example.test"));
            fails(INVALID, "loop", () -> d.addAlias("b@example.test", "c@example.test"));
            d.addAlias("c@example.test", "a@example.test"); // a diamond is no loop
            assertThat(d.resolveRecipient("c@example.test")).extracting(Account::address)
                    .containsExactly("bob@example.test");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void resolvesRecipients(Backend backend) {
        try (Directory d = populated(backend.open())) {
            Account bob = d.addAccount("bob@example.test", pw("secret"), 0);
            Account carol = d.addAccount("carol@example.test", pw("secret"), 0);
            Account dave = d.addAccount("dave@example.test", pw("secret"), 0);
            d.addAlias("team@example.test", "bob@example.test");
            d.addAlias("team@example.test", "carol@example.test");
            d.addAlias("all@example.test", "team@example.test");
            d.addAlias("all@example.test", "bob@example.test");
            d.addAlias("all@example.test", "dave@example.test");
            d.addAlias("bob+special@example.test", "dave@example.test");

            assertThat(d.resolveRecipient("BOB@example.test")).containsExactly(bob);
            assertThat(d.resolveRecipient("team@EXAMPLE.test")).containsExactly(bob, carol);
            assertThat(d.resolveRecipient("all@example.test")).as("deduplicated").containsExactlyInAnyOrder(bob, carol, dave);
            assertThat(d.resolveRecipient("bob+news@example.test")).containsExactly(bob);
            assertThat(d.resolveRecipient("team+x+y@example.test")).containsExactly(bob, carol);
            assertThat(d.resolveRecipient("bob+special@example.test")).as("an exact alias wins over the tag")
                    .containsExactly(dave);
            assertThat(d.resolveRecipient("nobody@example.test")).isEmpty();
            assertThat(d.resolveRecipient("nobody+tag@example.test")).isEmpty();
            assertThat(d.resolveRecipient("+bob@example.test")).isEmpty();
            assertThat(d.resolveRecipient("bob@elsewhere.test")).isEmpty();
            fails(INVALID, "", () -> d.resolveRecipient("not an address"));

            d.addAlias("@example.test", "carol@example.test");
            assertThat(d.resolveRecipient("nobody@example.test")).containsExactly(carol);
            assertThat(d.resolveRecipient("bob+news@example.test")).as("the tag is tried before the catch-all")
                    .containsExactly(bob);
            assertThat(d.resolveRecipient("bob@example.test")).containsExactly(bob);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void stopsAliasChainsAtEightHops(Backend backend) {
        try (Directory d = populated(backend.open())) {
            Account bob = d.addAccount("bob@example.test", pw("secret"), 0);
            String next = "bob@example.test";
            for (int i = 8; i >= 0; i--) {
                d.addAlias("a" + i + "@example.test", next);
                next = "a" + i + "@example.test";
            }
            assertThat(d.resolveRecipient("a1@example.test")).as("8 hops").containsExactly(bob);
            assertThat(d.resolveRecipient("a0@example.test")).as("9 hops").isEmpty();
        }
    }
}
