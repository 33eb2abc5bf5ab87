package org.mailslot.store.replication;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLSocket;

/**
 * The authentication of {@link ReplicationProtocol}: fresh nonces, HMAC-SHA256 proofs over both nonces and the TLS
 * channel, compared in constant time. Both sides hold the same cluster secret; it never travels.
 */
final class Handshake {
    static final int VERSION = 1;
    /** RFC 5705 / RFC 8446 section 7.5 exporter label of the channel binding. */
    static final String BINDING_LABEL = "EXPORTER-mailslot-replication";
    static final int MIN_SECRET_BYTES = 16;

    private static final byte[] NO_BINDING = new byte[0];

    private final byte[] secret;
    private final SecureRandom random = new SecureRandom();

    Handshake(byte[] clusterSecret) {
        if (clusterSecret == null || clusterSecret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the cluster secret must have at least " + MIN_SECRET_BYTES + " bytes");
        }
        this.secret = clusterSecret.clone();
    }

    byte[] nonce() {
        byte[] n = new byte[Frame.HASH_BYTES];
        random.nextBytes(n);
        return n;
    }

    byte[] clientProof(byte[] clientNonce, byte[] serverNonce, byte[] binding) {
        return proof("client", clientNonce, serverNonce, binding);
    }

    byte[] serverProof(byte[] clientNonce, byte[] serverNonce, byte[] binding) {
        return proof("server", clientNonce, serverNonce, binding);
    }

    /** Constant time: how much of a proof matched must not show in how long the comparison took. */
    static boolean matches(byte[] expected, byte[] received) {
        return MessageDigest.isEqual(expected, received);
    }

    /**
     * 32 bytes both ends of one TLS connection export and nobody else can: a proof made on one TLS connection fails
     * on another, so a man in the middle who terminates TLS on both sides cannot relay the proofs. Empty on plain TCP.
     */
    static byte[] binding(Socket socket) throws IOException {
        if (!(socket instanceof SSLSocket ssl)) {
            return NO_BINDING;
        }
        if (!(ssl.getSession() instanceof ExtendedSSLSession session)) {
            throw new IOException("the TLS provider cannot export keying material for channel binding");
        }
        try {
            return session.exportKeyingMaterialData(BINDING_LABEL, null, Frame.HASH_BYTES);
        } catch (UnsupportedOperationException e) {
            throw new IOException("the TLS provider cannot export keying material for channel binding", e);
        }
    }

    private byte[] proof(String role, byte[] clientNonce, byte[] serverNonce, byte[] binding) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(("mailslot-replication/" + VERSION + " " + role).getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) 0);
            mac.update(clientNonce);
            mac.update(serverNonce);
            mac.update(binding);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }
}
