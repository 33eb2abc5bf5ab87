package org.mailslot.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailslot.directory.DirectoryException.Reason.INVALID;
import static org.mailslot.directory.Fixtures.fails;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher(1024, 1, 1);

    @Test
    void hashesWithArgon2idAndSalts() {
        String a = hasher.hash("secret".toCharArray());
        String b = hasher.hash("secret".toCharArray());
        assertThat(a).startsWith("$argon2id$v=19$m=1024,t=1,p=1$").isNotEqualTo(b);
        assertThat(hasher.verify("secret".toCharArray(), a)).isTrue();
        assertThat(hasher.verify("secreT".toCharArray(), a)).isFalse();
        assertThat(hasher.needsRehash(a)).isFalse();
        assertThat(new PasswordHasher(2048, 1, 1).needsRehash(a)).isTrue();
    }

    @Test
    void defaultParametersAreTheOwaspOnes() {
        DirectorySettings d = DirectorySettings.defaults("jdbc:sqlite:x.db");
        String hash = new PasswordHasher(d.argon2MemoryKib(), d.argon2Iterations(), d.argon2Parallelism())
                .hash("secret".toCharArray());
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
    }

    @Test
    void leavesTheCallersArrayAlone() {
        char[] password = "secret".toCharArray();
        String hash = hasher.hash(password);
        hasher.verify(password, hash);
        assertThat(password).containsExactly("secret".toCharArray());
    }

    @Test
    void verifiesLegacySchemesAndWantsThemRehashed() {
        assertThat(hasher.verify("secret".toCharArray(), PasswordImportTest.BCRYPT_2Y)).isTrue();
        assertThat(hasher.verify("secret".toCharArray(), PasswordImportTest.SHA512_CRYPT)).isTrue();
        assertThat(hasher.needsRehash(PasswordImportTest.BCRYPT_2Y)).isTrue();
        assertThat(hasher.needsRehash(PasswordImportTest.SHA512_CRYPT)).isTrue();
        // perl -e 'print crypt("secret", q($2b$04$abcdefghijklmnopqrstuu))'
        assertThat(hasher.verify("secret".toCharArray(), "$2b$04$abcdefghijklmnopqrstuu2r9OfJnfCsdneAXAGHnS4UpFFP8WIrW"))
                .isTrue();
    }

    @Test
    void unreadableHashesNeverMatch() {
        assertThat(hasher.verify("secret".toCharArray(), "secret")).isFalse();
        assertThat(hasher.verify("".toCharArray(), "")).isFalse();
        assertThat(hasher.verify("secret".toCharArray(), "$argon2id$broken")).isFalse();
        assertThat(hasher.verify("secret".toCharArray(), "$2y$10$broken")).isFalse();
        assertThat(hasher.verify("secret".toCharArray(), null)).isFalse();
    }

    @Test
    void importsDovecotForms() {
        assertThat(PasswordHasher.importable("{SHA512-CRYPT}" + PasswordImportTest.SHA512_CRYPT))
                .isEqualTo(PasswordImportTest.SHA512_CRYPT);
        assertThat(PasswordHasher.importable("{sha512-crypt}" + PasswordImportTest.SHA512_CRYPT))
                .isEqualTo(PasswordImportTest.SHA512_CRYPT);
        assertThat(PasswordHasher.importable("{CRYPT}" + PasswordImportTest.BCRYPT_2Y))
                .isEqualTo(PasswordImportTest.BCRYPT_2Y);
        String argon = hasher.hash("x".toCharArray());
        assertThat(PasswordHasher.importable("{ARGON2ID}" + argon)).isEqualTo(argon);
        fails(INVALID, "not supported", () -> PasswordHasher.importable("{PLAIN}secret"));
        fails(INVALID, "{SCHEME}", () -> PasswordHasher.importable("$6$abc"));
        fails(INVALID, "rounds", () -> PasswordHasher.importable("{SHA512-CRYPT}$6$rounds=2000000$salt$" + "a".repeat(86)));
    }
}
