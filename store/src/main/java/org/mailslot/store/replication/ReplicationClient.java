package org.mailslot.store.replication;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.mailslot.store.ChangeRecord;
import org.mailslot.store.SlotStore;

/**
 * The master's side of {@link ReplicationProtocol}: opens a {@link ReplicaLink} to the node holding a slot's replica
 * copy, and catches a returning replica up from its last seq.
 */
public final class ReplicationClient {
    private static final String[] TLS_PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private ReplicationClient() {
    }

    /**
     * Connects to {@code replica}, proves this node knows the cluster secret and checks that the replica does too,
     * and opens {@code slotId} at {@code epoch}. Throws {@link ReplicationException} when the replica refuses (reason
     * REFUSED: a newer epoch or not its replica; AUTH_FAILED; BUSY), an {@link IOException} when it cannot be reached
     * or does not answer within the settings' timeouts.
     *
     * @param senderNode    this node's name, for the replica's log
     * @param clusterSecret at least 16 bytes, the same on every node
     * @param tls           trusts the replica's certificate ({@link #trusting}), or null for plain TCP. The host name
     *                      is not checked: the proofs are bound to the TLS channel, so only a peer holding the
     *                      cluster secret at the other end of this very TLS connection passes
     */
    public static ReplicaLink open(InetSocketAddress replica, int slotId, long epoch, String senderNode,
                                   byte[] clusterSecret, SSLContext tls, ReplicationSettings settings)
            throws IOException {
        Objects.requireNonNull(replica, "replica");
        Objects.requireNonNull(senderNode, "senderNode");
        Objects.requireNonNull(settings, "settings");
        if (slotId < 0 || epoch < 0) {
            throw new IllegalArgumentException("slot id and epoch must not be negative: " + slotId + ", " + epoch);
        }
        if (senderNode.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > Frame.MAX_NAME_BYTES) {
            throw new IllegalArgumentException("node name longer than " + Frame.MAX_NAME_BYTES + " bytes: " + senderNode);
        }
        Handshake handshake = new Handshake(clusterSecret);
        String name = replica.getHostString() + ":" + replica.getPort();
        Socket plain = new Socket();
        try {
            plain.setTcpNoDelay(true);
            plain.setKeepAlive(true);
            plain.connect(replica, Math.toIntExact(settings.connectTimeout().toMillis()));
            plain.setSoTimeout(Math.toIntExact(settings.replyTimeout().toMillis()));
        } catch (IOException e) {
            plain.close();
            throw new IOException("cannot connect to replica " + name + " for slot " + slotId + ": " + e.getMessage(), e);
        }
        Socket socket = plain;
        try {
            if (tls != null) {
                SSLSocket ssl = (SSLSocket) tls.getSocketFactory()
                        .createSocket(plain, replica.getHostString(), replica.getPort(), true);
                ssl.setUseClientMode(true);
                SSLParameters params = ssl.getSSLParameters();
                params.setProtocols(TLS_PROTOCOLS);
                ssl.setSSLParameters(params);
                ssl.startHandshake();
                socket = ssl;
            }
        } catch (IOException e) {
            plain.close();
            throw new IOException("TLS with replica " + name + " for slot " + slotId + " failed: " + e.getMessage(), e);
        }
        ClientLink link;
        try {
            link = new ClientLink(socket, name, settings);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        link.open(handshake, slotId, epoch, senderNode);
        return link;
    }

    /**
     * Ships {@code master}'s log from the replica's seq until it has applied {@code untilSeq}, {@code batch} records
     * at a time (records after {@code untilSeq} are not sent): what a returning replica needs. Returns the replica's
     * seq. Throws when the master's log ends first or no longer reaches back to the replica's seq (the replica then
     * says it needs a full resync).
     */
    public static long catchUp(SlotStore master, ReplicaLink link, long untilSeq, int batch) throws IOException {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        while (link.replicaSeq() < untilSeq) {
            long from = link.replicaSeq();
            List<ChangeRecord> records = master.changesSince(from, (int) Math.min(batch, untilSeq - from));
            records = records.stream().filter(r -> r.seq() <= untilSeq).toList();
            if (records.isEmpty()) {
                throw new IOException("the master's log of slot " + master.slotId() + " has nothing after seq " + from
                        + ", short of " + untilSeq);
            }
            link.ship(master, records);
            if (link.replicaSeq() <= from) {
                throw new IOException("the replica of slot " + master.slotId() + " stayed at seq " + from);
            }
        }
        return link.replicaSeq();
    }

    /** A client TLS context that trusts exactly these certificates (the replicas' own, self-signed or not). */
    /**
     * A client TLS context that accepts any certificate. Safe here and only here: the handshake's proofs cover 32
     * bytes exported from this TLS session, so a man in the middle with his own certificate still fails to prove
     * the cluster secret on either side. It lets nodes with self-signed certificates talk without exchanging them.
     */
    public static SSLContext trustingAny() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                    // the server side never asks for client certificates
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                    // authenticated by the channel-bound HMAC proof instead (see above)
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JDK", e);
        }
    }

    public static SSLContext trusting(X509Certificate... certificates) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (int i = 0; i < certificates.length; i++) {
                trust.setCertificateEntry("replica-" + i, certificates[i]);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS context trusting " + certificates.length
                    + " certificates: " + e.getMessage(), e);
        }
    }
}
