package org.mailslot.core.net;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Deployments bring PEM files made by openssl (or certbot): every common key encoding must load. */
class TlsContextTest {

    @ParameterizedTest
    @ValueSource(strings = {"rsa-pkcs8", "rsa-pkcs1", "ec"})
    void loadsOpensslKeysAndCertificates(String kind, @TempDir Path dir) throws Exception {
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        switch (kind) {
            case "rsa-pkcs8" -> openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key.toString());
            case "rsa-pkcs1" -> openssl("genrsa", "-traditional", "-out", key.toString(), "2048");
            default -> openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.toString());
        }
        openssl("req", "-new", "-x509", "-key", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=mail.example.test");
        TlsContext tls = TlsContext.fromPem(cert, key);
        assertThat(tls.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=mail.example.test");
    }

    @Test
    void badFilesNameTheFileAndTheProblem(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Files.writeString(cert, "not a certificate");
        Files.writeString(key, "not a key");
        assertThatThrownBy(() -> TlsContext.fromPem(cert, key)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(cert.toString());
        assertThatThrownBy(() -> TlsContext.fromPem(dir.resolve("missing.pem"), key)).hasMessageContaining("missing.pem");
    }

    private static void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("openssl %s: %s", String.join(" ", args), out).isZero();
    }
}
