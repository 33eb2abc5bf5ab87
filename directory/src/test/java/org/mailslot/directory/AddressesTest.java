package org.mailslot.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailslot.directory.DirectoryException.Reason.INVALID;
import static org.mailslot.directory.Fixtures.fails;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressesTest {

    @ParameterizedTest
    @CsvSource(delimiterString = " -> ", value = {
            "bob@example.test -> bob@example.test",
            "Bob.Smith@EXAMPLE.Test -> Bob.Smith@example.test",
            "bob+tag@example.test -> bob+tag@example.test",
            "!#$%&'*+-/=?^_`{|}~@example.test -> !#$%&'*+-/=?^_`{|}~@example.test",
            "用户@例子.测试 -> 用户@xn--fsqu00a.xn--0zwm56d",
            "josé@bücher.example -> josé@xn--bcher-kva.example",
            "\"bob\"@example.test -> bob@example.test",
            "\"john doe\"@example.test -> \"john doe\"@example.test",
            "\"a\\b\"@example.test -> ab@example.test",
            "\"a\\\"b\"@example.test -> \"a\\\"b\"@example.test",
            "\"a@b\"@example.test -> \"a@b\"@example.test",
            "\"a..b\"@example.test -> \"a..b\"@example.test",
            "x@localhost -> x@localhost",
    })
    void normalizes(String input, String expected) {
        assertThat(Addresses.normalize(input)).isEqualTo(expected);
    }

    @Test
    void composesUnicodeLocalParts() {
        assertThat(Addresses.normalize("jose\u0301@example.test")).isEqualTo("jos\u00e9@example.test");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "bob", "@example.test", "bob@", "bob@@example.test", ".bob@example.test",
            "bob.@example.test", "b..ob@example.test", "bo b@example.test", "bo(b@example.test", "bob@ex ample.test",
            "bob@-example.test", "bob@example_.test", "bob@example.test.", "bob@[192.0.2.1]", "\"bob@example.test",
            "\"bo\"b\"@example.test", "\"bo\\\u0001\"@example.test", "bo\u0000b@example.test", "bob\t@example.test",
            "b\"ob\"@example.test", "bob@exa..mple.test"})
    void refusesMalformed(String input) {
        fails(INVALID, "", () -> Addresses.normalize(input));
    }

    @Test
    void refusesNull() {
        fails(INVALID, "empty", () -> Addresses.normalize(null));
    }

    @Test
    void enforcesLengthLimits() {
        String local64 = "a".repeat(64);
        assertThat(Addresses.normalize(local64 + "@example.test")).startsWith(local64);
        fails(INVALID, "64 octets", () -> Addresses.normalize("a".repeat(65) + "@example.test"));
        fails(INVALID, "64 octets", () -> Addresses.normalize("é".repeat(33) + "@example.test"));
        String longDomain = ("a".repeat(60) + ".").repeat(4) + "test"; // 248 octets
        fails(INVALID, "254 octets", () -> Addresses.normalize("abcdefghij@" + longDomain));
        fails(INVALID, "domain", () -> Addresses.normalize("bob@" + "a".repeat(64) + ".test"));
    }

    @Test
    void givesTheDomain() {
        assertThat(Addresses.domainOf("Bob@EXAMPLE.test")).isEqualTo("example.test");
        assertThat(Addresses.domainOf("\"a@b\"@Bücher.example")).isEqualTo("xn--bcher-kva.example");
        fails(INVALID, "", () -> Addresses.domainOf("nodomain"));
    }

    @Test
    void namesTheAddressAndHidesControlCharacters() {
        fails(INVALID, "address bo?b@x.test", () -> Addresses.normalize("bo\u0007b@x.test"));
    }
}
