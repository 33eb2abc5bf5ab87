package org.mailslot.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailslot.directory.DirectoryException.Reason.EXISTS;
import static org.mailslot.directory.DirectoryException.Reason.INVALID;
import static org.mailslot.directory.DirectoryException.Reason.NOT_FOUND;
import static org.mailslot.directory.DirectoryException.Reason.UNAVAILABLE;
import static org.mailslot.directory.Fixtures.fails;
import static org.mailslot.directory.Fixtures.populated;
import static org.mailslot.directory.Fixtures.pw;
import static org.mailslot.directory.Fixtures.storedHash;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AccountsTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void addsAndFindsAccounts(Backend backend) {
        DirectorySettings settings = backend.settings();
        try (Directory d = populated(Directory.open(settings))) {
            Account bob = d.addAccount("Bob.Smith@EXAMPLE.test", pw("secret"), 1_000_000);
            assertThat(bob.address()).isEqualTo("Bob.Smith@example.test");
            assertThat(bob.domain()).isEqualTo("example.test");
            assertThat(bob.quotaBytes()).isEqualTo(1_000_000);
            assertThat(bob.slotId()).isEqualTo(1);
            assertThat(bob.id()).isPositive();

            assertThat(d.findAccount("bob.smith@example.TEST")).contains(bob);
            assertThat(d.findAccount(bob.id())).contains(bob);
            assertThat(d.findAccount("nobody@example.test")).isEmpty();
            assertThat(d.findAccount(bob.id() + 1000)).isEmpty();
            assertThat(storedHash(settings, "bob.smith@example.test")).startsWith("$argon2id$");

            Account utf8 = d.addAccount("用户@example.test", pw("secret"), 0);
            Account quoted = d.addAccount("\"john doe\"@example.test", pw("secret"), 0);
            assertThat(quoted.address()).isEqualTo("\"john doe\"@example.test");
            assertThat(d.findAccount("\"john\\ doe\"@example.test")).contains(quoted);
            assertThat(d.listAccounts(null)).containsExactly(quoted, bob, utf8);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void refusesBadAccounts(Backend backend) {
        try (Directory d = backend.open()) {
            d.addDomain("example.test");
            fails(UNAVAILABLE, "no storage slots", () -> d.addAccount("bob@example.test", pw("secret"), 0));
        }
        try (Directory d = populated(backend.open())) {
            d.addAccount("bob@example.test", pw("secret"), 0);
            fails(EXISTS, "account bob@example.test already exists", () -> d.addAccount("BOB@example.test", pw("x"), 0));
            fails(NOT_FOUND, "domain elsewhere.test", () -> d.addAccount("bob@elsewhere.test", pw("secret"), 0));
            fails(INVALID, "", () -> d.addAccount("bob", pw("secret"), 0));
            fails(INVALID, "", () -> d.addAccount("bo b@example.test", pw("secret"), 0));
            fails(INVALID, "", () -> d.addAccount(".bob@example.test", pw("secret"), 0));
            fails(INVALID, "negative", () -> d.addAccount("carol@example.test", pw("secret"), -1));
            fails(INVALID, "empty", () -> d.addAccount("carol@example.test", pw(""), 0));
            d.addAlias("info@example.test", "bob@example.test");
            fails(EXISTS, "alias info@example.test", () -> d.addAccount("info@example.test", pw("secret"), 0));
            assertThat(d.listAccounts(null)).hasSize(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void changesPasswordsAndQuotas(Backend backend) {
        DirectorySettings settings = backend.settings();
        try (Directory d = populated(Directory.open(settings))) {
            d.addAccount("bob@example.test", pw("old"), 0);
            d.setPassword("Bob@Example.test", pw("new"));
            assertThat(d.authenticate("bob@example.test", pw("old"))).isEmpty();
            assertThat(d.authenticate("bob@example.test", pw("new"))).isPresent();
            assertThat(storedHash(settings, "bob@example.test")).startsWith("$argon2id$");
            fails(NOT_FOUND, "account nobody@example.test", () -> d.setPassword("nobody@example.test", pw("x")));
            fails(INVALID, "empty", () -> d.setPassword("bob@example.test", pw("")));

            d.setQuota("bob@example.test", 5_000);
            assertThat(d.findAccount("bob@example.test").orElseThrow().quotaBytes()).isEqualTo(5_000);
            d.setQuota("bob@example.test", 0);
            assertThat(d.findAccount("bob@example.test").orElseThrow().quotaBytes()).isZero();
            fails(NOT_FOUND, "account nobody@example.test", () -> d.setQuota("nobody@example.test", 1));
            fails(INVALID, "negative", () -> d.setQuota("bob@example.test", -5));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void removesAccountsAndTheAliasesPointingAtThem(Backend backend) {
        try (Directory d = populated(backend.open())) {
            Account bob = d.addAccount("bob@example.test", pw("secret"), 0);
            d.addAccount("carol@example.test", pw("secret"), 0);
            d.addAlias("team@example.test", "bob@example.test");
            d.addAlias("team@example.test", "carol@example.test");

            d.removeAccount("BOB@example.test");
            assertThat(d.findAccount(bob.id())).isEmpty();
            assertThat(d.listAliases(null)).containsExactly(new Alias("team@example.test", "carol@example.test"));
            fails(NOT_FOUND, "account bob@example.test", () -> d.removeAccount("bob@example.test"));

            // A new bob does not inherit the old one's mail.
            Account bob2 = d.addAccount("bob@example.test", pw("secret"), 0);
            assertThat(bob2.id()).isNotEqualTo(bob.id());
            assertThat(d.resolveRecipient("team@example.test")).extracting(Account::address)
                    .containsExactly("carol@example.test");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void putsAnAccountInTheSlotAsked(Backend backend) {
        DirectorySettings settings = backend.settings();
        try (Directory d = populated(Directory.open(settings))) {
            assertThat(d.addAccount("a@example.test", pw("secret"), 0, 3).slotId()).isEqualTo(3);
            assertThat(d.addAccount("b@example.test", pw("secret"), 0, 3).slotId()).isEqualTo(3);
            assertThat(d.importAccount("c@example.test", "{ARGON2ID}" + storedHash(settings, "a@example.test"),
                    0, 4).slotId()).isEqualTo(4);
            assertThat(d.addAccount("d@example.test", pw("secret"), 0, 0).slotId()).as("0: the emptiest").isEqualTo(1);
            fails(NOT_FOUND, "slot 9 does not exist", () -> d.addAccount("e@example.test", pw("secret"), 0, 9));
            fails(INVALID, "positive", () -> d.addAccount("e@example.test", pw("secret"), 0, -1));
            assertThat(d.findAccount("e@example.test")).isEmpty();
            assertThat(d.accountsPerSlot()).containsEntry(3, 2).containsEntry(4, 1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void listsAccountsByDomain(Backend backend) {
        try (Directory d = populated(backend.open())) {
            d.addDomain("other.test");
            d.addAccount("b@example.test", pw("secret"), 0);
            d.addAccount("a@example.test", pw("secret"), 0);
            d.addAccount("z@other.test", pw("secret"), 0);
            assertThat(d.listAccounts("EXAMPLE.test")).extracting(Account::address)
                    .containsExactly("a@example.test", "b@example.test");
            assertThat(d.listAccounts("other.test")).extracting(Account::address).containsExactly("z@other.test");
            assertThat(d.listAccounts(null)).hasSize(3);
            fails(NOT_FOUND, "domain nowhere.test", () -> d.listAccounts("nowhere.test"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void authenticates(Backend backend) {
        try (Directory d = populated(backend.open())) {
            Account bob = d.addAccount("Bob@example.test", pw("correct horse"), 0);
            assertThat(d.authenticate("bob@EXAMPLE.test", pw("correct horse"))).contains(bob);
            assertThat(d.authenticate("bob@example.test", pw("Correct horse"))).isEmpty();
            assertThat(d.authenticate("bob@example.test", pw(""))).isEmpty();
            assertThat(d.authenticate("nobody@example.test", pw("correct horse"))).isEmpty();
            assertThat(d.authenticate("bob@elsewhere.test", pw("correct horse"))).isEmpty();
            assertThat(d.authenticate("not an address", pw("correct horse"))).isEmpty();
            assertThat(d.authenticate("bob@example.test", null)).isEmpty();
            assertThat(d.authenticate("bob@example.test", new char[Accounts.MAX_PASSWORD_CHARS + 1])).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void keepsDataAcrossReopen(Backend backend) {
        DirectorySettings settings = backend.settings();
        long id;
        try (Directory d = populated(Directory.open(settings))) {
            id = d.addAccount("bob@example.test", pw("secret"), 7).id();
        }
        try (Directory d = Directory.open(settings)) {
            assertThat(d.findAccount(id)).hasValueSatisfying(a -> assertThat(a.quotaBytes()).isEqualTo(7));
            assertThat(d.authenticate("bob@example.test", pw("secret"))).isPresent();
            assertThat(d.listSlots()).hasSize(4);
        }
    }
}
