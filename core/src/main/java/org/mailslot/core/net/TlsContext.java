package org.mailslot.core.net;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/** The server side of TLS: a certificate chain and key, loaded from PEM files or generated for the demo. */
public final class TlsContext {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final SSLContext context;
    private final X509Certificate certificate;

    private TlsContext(SSLContext context, X509Certificate certificate) {
        this.context = context;
        this.certificate = certificate;
    }

    /** Loads a PEM certificate chain (leaf first) and its PEM private key (PKCS#1, PKCS#8 or EC). */
    public static TlsContext fromPem(Path certificateChain, Path privateKey) {
        try {
            List<? extends Certificate> chain;
            try (InputStream in = Files.newInputStream(certificateChain)) {
                chain = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
            }
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("no certificate found in " + certificateChain);
            }
            PrivateKey key = readKey(privateKey);
            return new TlsContext(sslContext(key, chain.toArray(Certificate[]::new)), (X509Certificate) chain.getFirst());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot load TLS certificate " + certificateChain + " / key " + privateKey + ": " + e.getMessage(), e);
        }
    }

    /**
     * A self-signed certificate for {@code hostname} and 127.0.0.1, kept in {@code dir} (cert.pem, key.pem) so that
     * clients that pinned it keep trusting it across restarts. Generated on first use.
     */
    public static TlsContext selfSigned(Path dir, String hostname) {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        try {
            if (!Files.exists(cert) || !Files.exists(key)) {
                Files.createDirectories(dir);
                generate(cert, key, hostname);
            }
        } catch (IOException | GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("cannot create a self-signed certificate in " + dir + ": " + e.getMessage(), e);
        }
        return fromPem(cert, key);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public SSLContext sslContext() {
        return context;
    }

    /** Puts the server side of TLS over an accepted socket; the handshake happens on first use. */
    public SSLSocket wrap(Socket plain) throws IOException {
        SSLSocket ssl = (SSLSocket) context.getSocketFactory()
                .createSocket(plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
        ssl.setUseClientMode(false);
        SSLParameters params = ssl.getSSLParameters();
        params.setProtocols(PROTOCOLS);
        params.setUseCipherSuitesOrder(true);
        ssl.setSSLParameters(params);
        return ssl;
    }

    private static SSLContext sslContext(PrivateKey key, Certificate[] chain) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pw = new char[0];
        ks.setKeyEntry("server", key, pw, chain);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
        return ctx;
    }

    private static PrivateKey readKey(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file); PEMParser parser = new PEMParser(r)) {
            Object o = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            return switch (o) {
                case PEMKeyPair pair -> converter.getKeyPair(pair).getPrivate();
                case PrivateKeyInfo info -> converter.getPrivateKey(info);
                case null -> throw new IOException("no private key found in " + file);
                default -> throw new IOException("unsupported key format in " + file + ": " + o.getClass().getSimpleName()
                        + " (use an unencrypted PEM key)");
            };
        }
    }

    private static void generate(Path cert, Path key, String hostname)
            throws GeneralSecurityException, IOException, org.bouncycastle.operator.OperatorCreationException {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair pair = gen.generateKeyPair();
        X500Name name = new X500Name("CN=" + hostname + ",O=mailslot self-signed");
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(3650))), name, pair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                new GeneralName(GeneralName.dNSName, hostname),
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        X509Certificate x509 = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
        Path tmpKey = key.resolveSibling(key.getFileName() + ".tmp");
        Files.deleteIfExists(tmpKey);
        Files.createFile(tmpKey, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer w = Files.newBufferedWriter(tmpKey); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(pair.getPrivate());
        }
        try (Writer w = Files.newBufferedWriter(cert); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(x509);
        }
        Files.move(tmpKey, key, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
