package org.mailslot.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailslot.directory.DirectoryException.Reason.INVALID;
import static org.mailslot.directory.DirectoryException.Reason.NOT_FOUND;
import static org.mailslot.directory.Fixtures.fails;
import static org.mailslot.directory.Fixtures.populated;
import static org.mailslot.directory.Fixtures.pw;
import static org.mailslot.directory.Fixtures.storedHash;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Accounts moved from Dovecot keep their passwords, and move to Argon2id at their first login. */
class PasswordImportTest {

    /** {@code openssl passwd -6 secret} */
    static final String SHA512_CRYPT = "$6$Af8i5i/ANl31yVnP$L4R1CzYEMCRs3TcZKYE20DRJ.S6NDAThuSDwnaP2uL9D/wFejiSWx4BtxOzKv7YbZSkNgKHpRGeGj3CbCqHLv.";
    /** glibc/libxcrypt crypt("secret", "$2y$10$..."), via {@code perl -e 'print crypt(...)'} on Debian 12 */
    static final String BCRYPT_2Y = "$2y$10$YiBNhUdXsQ7J0PuQYBsGKednjdC/hBSInQYK89OHMJqWsyR0S/qJi";
    /** {@code perl -e 'print crypt("Hello world!", q($5$saltstring))'}, also in Drepper's spec */
    static final String SHA256_CRYPT = "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5";

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void importsSha512CryptAndRehashesAtLogin(Backend backend) {
        DirectorySettings settings = backend.settings();
        try (Directory d = populated(Directory.open(settings))) {
            Account bob = d.importAccount("bob@example.test", "{SHA512-CRYPT}" + SHA512_CRYPT, 0);
            assertThat(storedHash(settings, "bob@example.test")).isEqualTo(SHA512_CRYPT);

            assertThat(d.authenticate("bob@example.test", pw("wrong"))).isEmpty();
            assertThat(storedHash(settings, "bob@example.test")).as("no rehash on failure").isEqualTo(SHA512_CRYPT);

            assertThat(d.authenticate("bob@example.test", pw("secret"))).contains(bob);
            assertThat(storedHash(settings, "bob@example.test")).startsWith("$argon2id$");
            assertThat(d.authenticate("bob@example.test", pw("secret"))).contains(bob);
            assertThat(d.authenticate("bob@example.test", pw("wrong"))).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void keepsImportedHashesWhenRehashOnLoginIsOff(Backend backend) {
        DirectorySettings b = backend.settings();
        DirectorySettings settings = new DirectorySettings(b.jdbcUrl(), b.user(), b.password(), b.poolSize(),
                b.argon2MemoryKib(), b.argon2Iterations(), b.argon2Parallelism(), b.recipientDelimiter(), false);
        try (Directory d = populated(Directory.open(settings))) {
            Account bob = d.importAccount("bob@example.test", "{SHA512-CRYPT}" + SHA512_CRYPT, 0);
            assertThat(d.authenticate("bob@example.test", pw("secret"))).contains(bob);
            assertThat(storedHash(settings, "bob@example.test")).isEqualTo(SHA512_CRYPT);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void importsBcryptAndRehashesAtLogin(Backend backend) {
        DirectorySettings settings = backend.settings();
        try (Directory d = populated(Directory.open(settings))) {
            d.importAccount("bob@example.test", "{BLF-CRYPT}" + BCRYPT_2Y, 0);
            assertThat(d.authenticate("bob@example.test", pw("Secret"))).isEmpty();
            assertThat(d.authenticate("bob@example.test", pw("secret"))).isPresent();
            assertThat(storedHash(settings, "bob@example.test")).startsWith("$argon2id$");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void importsArgon2idAndKeepsItWhenTheParametersMatch(Backend backend) {
        DirectorySettings settings = backend.settings();
        String current = new PasswordHasher(Backend.TEST_ARGON2_MEMORY_KIB, 1, 1).hash(pw("secret"));
        String stronger = new PasswordHasher(2048, 2, 1).hash(pw("secret"));
        try (Directory d = populated(Directory.open(settings))) {
            d.importAccount("bob@example.test", "{ARGON2ID}" + current, 0);
            assertThat(d.authenticate("bob@example.test", pw("secret"))).isPresent();
            assertThat(storedHash(settings, "bob@example.test")).isEqualTo(current);

            d.setPasswordHash("bob@example.test", "{ARGON2ID}" + stronger);
            assertThat(d.authenticate("bob@example.test", pw("secret"))).isPresent();
            assertThat(storedHash(settings, "bob@example.test")).as("rehashed to today's parameters")
                    .startsWith("$argon2id$v=19$m=1024,t=1,p=1$");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void setsPasswordHashes(Backend backend) {
        DirectorySettings settings = backend.settings();
        try (Directory d = populated(Directory.open(settings))) {
            d.addAccount("bob@example.test", pw("first"), 0);
            d.setPasswordHash("bob@example.test", "{SHA256-CRYPT}" + SHA256_CRYPT);
            assertThat(d.authenticate("bob@example.test", pw("first"))).isEmpty();
            assertThat(d.authenticate("bob@example.test", pw("Hello world!"))).isPresent();
            fails(NOT_FOUND, "account nobody@example.test",
                    () -> d.setPasswordHash("nobody@example.test", "{SHA512-CRYPT}" + SHA512_CRYPT));
            fails(INVALID, "not supported", () -> d.setPasswordHash("bob@example.test", "{PLAIN}secret"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void refusesUnsupportedOrMalformedHashes(Backend backend) {
        try (Directory d = populated(backend.open())) {
            String[] bad = {
                    "{PLAIN}secret",
                    "{MD5-CRYPT}$1$abcdefgh$1234567890123456789012",
                    "{SSHA512}abcdef",
                    SHA512_CRYPT, // no scheme
                    "{SHA512-CRYPT}" + BCRYPT_2Y, // scheme and hash disagree
                    "{BLF-CRYPT}" + SHA512_CRYPT,
                    "{SHA512-CRYPT}" + SHA512_CRYPT.substring(0, SHA512_CRYPT.length() - 1),
                    "{SHA512-CRYPT}$6$rounds=5000000$salt$" + SHA512_CRYPT.substring(SHA512_CRYPT.length() - 86),
                    "{BLF-CRYPT}$2y$31$YiBNhUdXsQ7J0PuQYBsGKednjdC/hBSInQYK89OHMJqWsyR0S/qJi",
                    "{ARGON2ID}$argon2id$v=19$m=1024,t=1,p=1$garbage",
                    "{SHA512-CRYPT",
                    "",
            };
            for (String hash : bad) {
                fails(INVALID, "", () -> d.importAccount("bob@example.test", hash, 0));
            }
            assertThat(d.listAccounts(null)).isEmpty();
        }
    }
}
