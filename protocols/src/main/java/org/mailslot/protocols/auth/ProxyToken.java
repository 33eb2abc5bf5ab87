package org.mailslot.protocols.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * The password a front presents when it logs in to a store node on a user's behalf (SASL PLAIN with authzid = the
 * account, authcid = {@link #PROXY_USER}): {@code <unix seconds>.<client>.<base64url HMAC-SHA256(key, account,
 * seconds, client)>}, keyed by the cluster secret, where {@code client} is the base64url of the client's
 * {@code address:port} the front relays for (so the store's logs and Received headers can name it). The user's own password never leaves the front, and a token seen on the cluster
 * network logs in only that account, only within {@link #VALIDITY} of its issue (Dovecot's master user, without a
 * reusable master password on the wire).
 */
public final class ProxyToken {
    /** The authentication identity of every proxy login. */
    public static final String PROXY_USER = "mailslot-proxy";
    /** How far a token's time may be from the store's clock (either way): clock skew plus one slow login. */
    public static final Duration VALIDITY = Duration.ofMinutes(2);

    private final SecretKeySpec key;
    private final Clock clock;

    public ProxyToken(String clusterSecret, Clock clock) {
        byte[] secret = ("mailslot proxy login\0" + clusterSecret).getBytes(StandardCharsets.UTF_8);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.clock = clock;
    }

    /** A fresh token for logging in as {@code account} on behalf of the client at {@code client} ("host:port"). */
    public String issue(String account, String client) {
        long seconds = clock.instant().getEpochSecond();
        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(client.getBytes(StandardCharsets.UTF_8));
        return seconds + "." + encoded + "." + mac(account, seconds, encoded);
    }

    /**
     * The client the token names ("host:port") when {@code token} was issued for {@code account} by a holder of the
     * secret, recently enough; empty otherwise.
     */
    public Optional<String> verify(String account, char[] token) {
        String[] parts = new String(token).split("\\.", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[0].length() > 19 || parts[1].length() > 200) {
            return Optional.empty();
        }
        long seconds;
        String client;
        try {
            seconds = Long.parseLong(parts[0]);
            client = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        long now = clock.instant().getEpochSecond();
        if (Math.abs(now - seconds) > VALIDITY.toSeconds()) {
            return Optional.empty();
        }
        byte[] expected = mac(account, seconds, parts[1]).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, parts[2].getBytes(StandardCharsets.US_ASCII))
                ? Optional.of(client) : Optional.empty();
    }

    private String mac(String account, long seconds, String client) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] sum = mac.doFinal((account.toLowerCase(Locale.ROOT) + "\0" + seconds + "\0" + client)
                    .getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sum);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
