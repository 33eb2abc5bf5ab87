package org.mailslot.protocols.auth;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyTokenTest {
    private static final Instant NOW = Instant.parse("2026-11-29T03:00:00Z");
    private final ProxyToken front = new ProxyToken("a-cluster-secret-of-length", Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aTokenLogsInOnlyTheAccountItWasIssuedFor() {
        String token = front.issue("alice@example.com", "192.0.2.7:40000");
        assertThat(front.verify("alice@example.com", token.toCharArray())).contains("192.0.2.7:40000");
        assertThat(front.verify("ALICE@example.com", token.toCharArray())).contains("192.0.2.7:40000");
        assertThat(front.verify("bob@example.com", token.toCharArray())).isEmpty();
        // the client is part of what is signed
        String[] parts = token.split("\\.");
        String otherClient = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("10.0.0.1:1".getBytes());
        assertThat(front.verify("alice@example.com", (parts[0] + "." + otherClient + "." + parts[2]).toCharArray())).isEmpty();
    }

    @Test
    void anotherSecretOrATamperedTokenIsRefused() {
        String token = front.issue("alice@example.com", "192.0.2.7:40000");
        ProxyToken other = new ProxyToken("another-cluster-secret-xx", Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(other.verify("alice@example.com", token.toCharArray())).isEmpty();
        String later = (NOW.getEpochSecond() + 1) + token.substring(token.indexOf('.'));
        assertThat(front.verify("alice@example.com", later.toCharArray())).isEmpty();
        for (String garbage : new String[] {"", ".", "..", "x.y.z", "1..", "1.!!.abc", "99999999999999999999999.a.b", token + "A"}) {
            assertThat(front.verify("alice@example.com", garbage.toCharArray())).as(garbage).isEmpty();
        }
    }

    @Test
    void aTokenExpires() {
        String token = front.issue("alice@example.com", "192.0.2.7:40000");
        Instant late = NOW.plus(ProxyToken.VALIDITY).plus(Duration.ofSeconds(1));
        ProxyToken store = new ProxyToken("a-cluster-secret-of-length", Clock.fixed(late, ZoneOffset.UTC));
        assertThat(store.verify("alice@example.com", token.toCharArray())).isEmpty();
        ProxyToken inTime = new ProxyToken("a-cluster-secret-of-length", Clock.fixed(NOW.plusSeconds(30), ZoneOffset.UTC));
        assertThat(inTime.verify("alice@example.com", token.toCharArray())).isPresent();
    }

    @Test
    void plainKeepsTheAuthorizationIdentityOnlyWhenItDiffersFromTheUser() {
        SaslPlain self = SaslPlain.decode(SaslPlain.encode("alice@example.com", "alice@example.com", "pw")).orElseThrow();
        assertThat(self.authz()).isEmpty();
        SaslPlain proxy = SaslPlain.decode(SaslPlain.encode("alice@example.com", ProxyToken.PROXY_USER, "t")).orElseThrow();
        assertThat(proxy.proxyLogin()).isTrue();
        SaslPlain impersonation = SaslPlain.decode(SaslPlain.encode("alice@example.com", "bob@example.com", "pw")).orElseThrow();
        assertThat(impersonation.proxyLogin()).isFalse();
        assertThat(SaslPlain.isProxyLogin(SaslPlain.encode("bob@example.com", ProxyToken.PROXY_USER, "t"))).isTrue();
        assertThat(SaslPlain.isProxyLogin("not base64!")).isFalse();
    }
}
