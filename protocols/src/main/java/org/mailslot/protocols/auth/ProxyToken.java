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

/**
 * The password a front presents when it logs in to a store node on a user's behalf (SASL PLAIN with authzid = the
 * account, authcid = {@link #PROXY_USER}): {@code <unix seconds>.<base64url HMAC-SHA256(key, account, seconds)>},
 * keyed by the cluster secret. The user's own password never leaves the front, and a token seen on the cluster
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

    /** A fresh token for logging in as {@code account}. */
    public String issue(String account) {
        long seconds = clock.instant().getEpochSecond();
        return seconds + "." + mac(account, seconds);
    }

    /** Whether {@code token} was issued for {@code account} by a holder of the secret, recently enough. */
    public boolean verify(String account, char[] token) {
        String text = new String(token);
        int dot = text.indexOf('.');
        if (dot < 1 || dot > 19) {
            return false;
        }
        long seconds;
        try {
            seconds = Long.parseLong(text.substring(0, dot));
        } catch (NumberFormatException e) {
            return false;
        }
        long now = clock.instant().getEpochSecond();
        if (Math.abs(now - seconds) > VALIDITY.toSeconds()) {
            return false;
        }
        byte[] expected = mac(account, seconds).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, text.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
    }

    private String mac(String account, long seconds) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] sum = mac.doFinal((account.toLowerCase(Locale.ROOT) + "\0" + seconds).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sum);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
