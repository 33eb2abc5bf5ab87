package org.mailslot.protocols.smtp.client;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.List;

/**
 * How the client does STARTTLS: the {@link TlsPolicy} and the trust anchors that certificates are verified against
 * (the JDK's by default, or a given trust store or PEM certificate). Immutable and shareable between clients.
 */
public final class ClientTls {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final TlsPolicy policy;
    private final X509ExtendedTrustManager trust;

    private ClientTls(TlsPolicy policy, X509ExtendedTrustManager trust) {
        this.policy = policy;
        this.trust = trust;
    }

    public static ClientTls none() {
        return new ClientTls(TlsPolicy.NONE, null);
    }

    /** STARTTLS when offered, any certificate accepted; verification against the JDK's trust anchors is recorded. */
    public static ClientTls opportunistic() {
        return of(TlsPolicy.OPPORTUNISTIC, null);
    }

    /** STARTTLS with a certificate that verifies against the JDK's trust anchors and matches the server name. */
    public static ClientTls required() {
        return of(TlsPolicy.REQUIRED, null);
    }

    /** {@code policy} with {@code trustAnchors} (null: the JDK's trust store). */
    public static ClientTls of(TlsPolicy policy, KeyStore trustAnchors) {
        if (policy == TlsPolicy.NONE) {
            return none();
        }
        try {
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init(trustAnchors);
            for (TrustManager tm : f.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    return new ClientTls(policy, x);
                }
            }
            throw new IllegalStateException("the JDK offers no X.509 trust manager");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the trust anchors: " + e.getMessage(), e);
        }
    }

    /**
     * Loads trust anchors from {@code file}: one or more PEM (or DER) certificates, or a PKCS#12 / JKS trust store
     * opened with {@code password} (may be null for PEM).
     */
    public static KeyStore trustAnchors(Path file, char[] password) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            try {
                store.load(new java.io.ByteArrayInputStream(bytes), password);
                return store;
            } catch (IOException | GeneralSecurityException notAStore) {
                Collection<? extends Certificate> certs;
                try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
                    certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
                }
                if (certs.isEmpty()) {
                    throw new IllegalArgumentException("no certificate or trust store in " + file);
                }
                store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                int i = 0;
                for (Certificate c : certs) {
                    store.setCertificateEntry("anchor-" + i++, c);
                }
                return store;
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read trust anchors from " + file + ": " + e.getMessage(), e);
        }
    }

    public TlsPolicy policy() {
        return policy;
    }

    /** Wraps the connected {@code plain} socket and runs the handshake; the result says whether the peer verified. */
    Handshake handshake(Socket plain, String serverName, int timeoutMillis) throws IOException {
        VerifyRecorder recorder = new VerifyRecorder(trust, policy == TlsPolicy.REQUIRED);
        SSLSocket ssl;
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[]{recorder}, null);
            ssl = (SSLSocket) ctx.getSocketFactory().createSocket(plain, serverName, plain.getPort(), true);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make a TLS context: " + e.getMessage(), e);
        }
        SSLParameters params = ssl.getSSLParameters();
        params.setProtocols(PROTOCOLS);
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (isHostName(serverName)) {
            params.setServerNames(List.of(new SNIHostName(serverName)));
        }
        ssl.setSSLParameters(params);
        ssl.setUseClientMode(true);
        ssl.setSoTimeout(timeoutMillis);
        ssl.startHandshake();
        SSLSession s = ssl.getSession();
        return new Handshake(ssl, new TlsInfo(s.getProtocol(), s.getCipherSuite(), recorder.failure == null,
                recorder.failure));
    }

    record Handshake(SSLSocket socket, TlsInfo info) {}

    private static boolean isHostName(String name) {
        return name != null && !name.isEmpty() && !name.contains(":") && !name.matches("[0-9.]+")
                && name.indexOf('.') > 0 && !name.endsWith(".");
    }

    /**
     * Checks the server's chain with the real trust manager (which also checks the host name, from the socket's
     * endpoint identification), and either fails the handshake (REQUIRED) or only remembers why it did not verify.
     */
    private static final class VerifyRecorder extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager delegate;
        private final boolean enforce;
        volatile String failure = "no certificate checked";

        VerifyRecorder(X509ExtendedTrustManager delegate, boolean enforce) {
            this.delegate = delegate;
            this.enforce = enforce;
        }

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType, Socket socket)
                throws java.security.cert.CertificateException {
            try {
                delegate.checkServerTrusted(chain, authType, socket);
                failure = null;
            } catch (java.security.cert.CertificateException e) {
                failure = String.valueOf(e.getMessage());
                if (enforce) {
                    throw e;
                }
            }
        }

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType,
                                       javax.net.ssl.SSLEngine engine) throws java.security.cert.CertificateException {
            try {
                delegate.checkServerTrusted(chain, authType, engine);
                failure = null;
            } catch (java.security.cert.CertificateException e) {
                failure = String.valueOf(e.getMessage());
                if (enforce) {
                    throw e;
                }
            }
        }

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("a server check needs the socket");
        }

        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType, Socket socket)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("client side only");
        }

        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType,
                                       javax.net.ssl.SSLEngine engine) throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("client side only");
        }

        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("client side only");
        }

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }
}
