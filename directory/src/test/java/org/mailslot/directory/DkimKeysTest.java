package org.mailslot.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailslot.directory.DirectoryException.Reason.EXISTS;
import static org.mailslot.directory.DirectoryException.Reason.INVALID;
import static org.mailslot.directory.DirectoryException.Reason.NOT_FOUND;
import static org.mailslot.directory.Fixtures.fails;

import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DkimKeysTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void generatedKeysSignAndTheNewestIsActive(Backend backend) throws Exception {
        try (Directory d = backend.open()) {
            d.addDomain("example.test");
            assertThat(d.findDkimKey("example.test")).isEmpty();
            DkimKey first = d.generateDkimKey("Example.TEST", "S2026", 1024);
            assertThat(first.domain()).isEqualTo("example.test");
            assertThat(first.selector()).isEqualTo("s2026");
            assertThat(first.active()).isTrue();
            assertThat(first.recordName()).isEqualTo("s2026._domainkey.example.test.");
            assertThat(first.toString()).doesNotContain("PRIVATE");

            // the private key signs what the published public key verifies
            var priv = DkimKeys.parse(first.privateKeyPem());
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(priv);
            s.update("hello".getBytes());
            byte[] sig = s.sign();
            Signature v = Signature.getInstance("SHA256withRSA");
            v.initVerify(KeyFactory.getInstance("RSA")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(first.publicKey()))));
            v.update("hello".getBytes());
            assertThat(v.verify(sig)).isTrue();

            DkimKey second = d.generateDkimKey("example.test", "s2027", 2048);
            assertThat(d.findDkimKey("EXAMPLE.test")).hasValueSatisfying(k -> {
                assertThat(k.selector()).isEqualTo("s2027");
                assertThat(k.privateKeyPem()).isEqualTo(second.privateKeyPem());
            });
            assertThat(d.listDkimKeys("example.test")).extracting(DkimKey::selector, DkimKey::active)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("s2027", true),
                            org.assertj.core.groups.Tuple.tuple("s2026", false));
            assertThat(d.listDkimKeys(null)).hasSize(2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void importedKeysAndBadInput(Backend backend) {
        try (Directory d = backend.open()) {
            d.addDomain("example.test");
            d.addDomain("other.test");
            DkimKey made = d.generateDkimKey("example.test", "a", 1024);
            DkimKey imported = d.putDkimKey("other.test", "mail.2026", made.privateKeyPem());
            assertThat(imported.publicKey()).isEqualTo(made.publicKey());
            assertThat(d.findDkimKey("other.test")).hasValueSatisfying(k -> assertThat(k.selector()).isEqualTo("mail.2026"));

            fails(NOT_FOUND, "domain nowhere.test is not hosted", () -> d.generateDkimKey("nowhere.test", "a", 1024));
            fails(EXISTS, "DKIM selector a of example.test", () -> d.generateDkimKey("example.test", "A", 1024));
            fails(INVALID, "selector", () -> d.generateDkimKey("example.test", "bad_selector", 1024));
            fails(INVALID, "selector", () -> d.generateDkimKey("example.test", "", 1024));
            fails(INVALID, "1024..4096", () -> d.generateDkimKey("example.test", "b", 512));
            fails(INVALID, "PKCS#8 PEM", () -> d.putDkimKey("example.test", "c", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n"));
            fails(INVALID, "not a PKCS#8 RSA private key",
                    () -> d.putDkimKey("example.test", "c", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"));
            assertThat(d.listDkimKeys("example.test")).hasSize(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void keysGoWithTheirDomain(Backend backend) {
        try (Directory d = backend.open()) {
            d.addDomain("example.test");
            d.generateDkimKey("example.test", "a", 1024);
            d.removeDomain("example.test");
            assertThat(d.listDkimKeys(null)).isEmpty();
        }
    }

    @org.junit.jupiter.api.Test
    void zoneLineSplitsLongTextIntoStringsOf255() {
        DkimKey k = new DkimKey("example.test", "s1", "", "A".repeat(400), true, java.time.Instant.EPOCH);
        assertThat(k.zoneLine()).isEqualTo("s1._domainkey.example.test. IN TXT \"v=DKIM1; k=rsa; p="
                + "A".repeat(255 - 18) + "\" \"" + "A".repeat(400 - 237) + "\"");
    }
}
