package org.mailslot.protocols.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The SASL PLAIN message (RFC 4616): {@code [authzid] NUL authcid NUL passwd}, base64-encoded on the wire.
 * {@code authz} is empty when the client asked for no other identity; an identity other than the user is only ever
 * granted to a front's proxy login ({@link ProxyToken}).
 */
public record SaslPlain(String authz, String user, char[] password) {

    /** Decodes the client's base64 response; empty when it is not valid base64 or not a PLAIN message. */
    public static Optional<SaslPlain> decode(String base64) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int first = indexOf(raw, 0);
        int second = first < 0 ? -1 : indexOf(raw, first + 1);
        if (second < 0 || indexOf(raw, second + 1) >= 0) {
            return Optional.empty();
        }
        String authz = new String(raw, 0, first, StandardCharsets.UTF_8);
        String user = new String(raw, first + 1, second - first - 1, StandardCharsets.UTF_8);
        String pass = new String(raw, second + 1, raw.length - second - 1, StandardCharsets.UTF_8);
        java.util.Arrays.fill(raw, (byte) 0);
        if (user.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SaslPlain(authz.equalsIgnoreCase(user) ? "" : authz, user, pass.toCharArray()));
    }

    /** The base64 PLAIN response for these credentials (what a client sends). */
    public static String encode(String authz, String user, String password) {
        byte[] raw = (authz + "\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8);
        return Base64.getEncoder().encodeToString(raw);
    }

    /** A front logging in on a user's behalf: it carries a proxy token, not the user's password, so needs no TLS. */
    public boolean proxyLogin() {
        return !authz.isEmpty() && user.equals(ProxyToken.PROXY_USER);
    }

    /** Whether the base64 response {@code initial} is a proxy login (see {@link #proxyLogin()}). */
    public static boolean isProxyLogin(String initial) {
        return initial != null && decode(initial).map(SaslPlain::proxyLogin).orElse(false);
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
