package org.mailslot.protocols.outbound;

import org.mailslot.core.config.ConfigException;
import org.mailslot.core.config.ConfigNode;
import org.mailslot.protocols.smtp.client.ClientSettings;
import org.mailslot.protocols.smtp.client.ClientTls;
import org.mailslot.protocols.smtp.client.TlsPolicy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How {@link RemoteTransport} delivers to other servers, read from the {@code outbound} section of
 * {@code mailslot.yaml} (docs/configuration.md lists every key). Left out on purpose: the client's reply limits
 * (2048 octets a line, 200 lines: {@link ClientSettings#defaults()}), which no real server comes near.
 *
 * @param heloName        {@code helo-name}: the name in EHLO; default: the node's host name (null here)
 * @param resolvers       {@code resolvers}: DNS servers for MX and address lookups, {@code host} or
 *                        {@code host:port}; default: those in /etc/resolv.conf
 * @param dnsTimeout      {@code dns-timeout}: per DNS query. Default 10s, bounds 100ms..1m
 * @param port            {@code port}: the port of remote MX hosts. Default 25; other values only make sense in tests
 * @param tls             {@code tls}: STARTTLS towards MX hosts: {@code none}, {@code opportunistic} (the default:
 *                        any certificate, whether it verified is logged) or {@code required}
 * @param tlsTrustFile    {@code tls-trust-file}: trust anchors for certificate checks, PEM certificates or a PKCS#12
 *                        trust store; default: the JDK's
 * @param tlsTrustPassword {@code tls-trust-password}: the trust store's password, if it has one
 * @param connectTimeout  {@code connect-timeout}: TCP connect to one address. Default 30s, bounds 100ms..5m
 * @param commandTimeout  {@code command-timeout}: the greeting and each command's reply. Default 5m, bounds 1s..1h
 * @param dataTimeout     {@code data-timeout}: the message transfer and the reply after it. Default 10m, bounds 1s..2h
 * @param maxAddresses    {@code max-mx-addresses}: addresses tried per domain and attempt, over all its MX hosts
 *                        (Postfix's smtp_mx_address_limit). Default 5, bounds 1..100
 * @param dkim            {@code dkim}: sign outgoing mail with the active DKIM key of its From domain (or of the
 *                        envelope sender's), when that domain has one. Default true
 * @param smarthost       {@code smarthost} and its {@code smarthost-*} keys: send everything to this relay instead of
 *                        looking up MX hosts; null (the default): direct delivery
 */
public record OutboundSettings(String heloName, List<InetSocketAddress> resolvers, Duration dnsTimeout, int port,
                               TlsPolicy tls, Path tlsTrustFile, String tlsTrustPassword, Duration connectTimeout,
                               Duration commandTimeout, Duration dataTimeout, int maxAddresses, boolean dkim,
                               Smarthost smarthost) {

    /**
     * A relay for all outbound mail ({@code smarthost: host[:port]}, port 25 when not given), with optional
     * credentials ({@code smarthost-user}, {@code smarthost-password}: AUTH PLAIN) and its own TLS policy
     * ({@code smarthost-tls}; default {@code required} when credentials are set, else {@code opportunistic}).
     * Credentials are never sent in plaintext, so they need TLS.
     */
    public record Smarthost(String host, int port, String user, String password, TlsPolicy tls) {
        public Smarthost {
            if (user != null && tls == TlsPolicy.NONE) {
                throw new ConfigException("outbound.smarthost-tls", "must not be none when smarthost-user is set:"
                        + " credentials are never sent in plaintext");
            }
            if (user != null && password == null) {
                throw new ConfigException("outbound.smarthost-password", "is needed with smarthost-user");
            }
        }

        @Override
        public String toString() { // never the password
            return "Smarthost[" + host + ":" + port + (user == null ? "" : ", user=" + user) + ", tls=" + tls + "]";
        }
    }

    public OutboundSettings {
        resolvers = List.copyOf(resolvers);
    }

    private static final Set<String> POLICIES = Set.of("none", "opportunistic", "required");

    /** Reads the {@code outbound} section; a bad value fails naming its key. */
    public static OutboundSettings from(ConfigNode c) {
        String helo = c.string("helo-name", null);
        List<InetSocketAddress> resolvers = new ArrayList<>();
        for (String r : c.strings("resolvers", List.of())) {
            resolvers.add(hostPort("outbound.resolvers", r, 53));
        }
        Duration dns = c.duration("dns-timeout", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(1));
        int port = c.integer("port", 25, 1, 65535);
        TlsPolicy tls = policy(c.choice("tls", "opportunistic", POLICIES));
        Path trust = c.path("tls-trust-file", null);
        String trustPassword = c.string("tls-trust-password", null);
        Duration connect = c.duration("connect-timeout", Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofMinutes(5));
        Duration command = c.duration("command-timeout", Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofHours(1));
        Duration data = c.duration("data-timeout", Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofHours(2));
        int addresses = c.integer("max-mx-addresses", 5, 1, 100);
        boolean dkim = c.bool("dkim", true);
        String relay = c.string("smarthost", "");
        String user = blankToNull(c.string("smarthost-user", null));
        String password = c.string("smarthost-password", null);
        String relayTls = c.choice("smarthost-tls", user != null ? "required" : "opportunistic", POLICIES);
        Smarthost smarthost = null;
        if (!relay.isBlank()) {
            InetSocketAddress hp = hostPort("outbound.smarthost", relay, 25);
            smarthost = new Smarthost(hp.getHostString(), hp.getPort(), user, password, policy(relayTls));
        } else if (user != null) {
            throw new ConfigException("outbound.smarthost-user", "is only used with outbound.smarthost");
        }
        return new OutboundSettings(blankToNull(helo), resolvers, dns, port, tls, trust, trustPassword, connect,
                command, data, addresses, dkim, smarthost);
    }

    public static OutboundSettings defaults() {
        return from(ConfigNode.empty());
    }

    /** A copy with another EHLO name (the node fills in its host name when the file named none). */
    public OutboundSettings withHeloName(String name) {
        return new OutboundSettings(name, resolvers, dnsTimeout, port, tls, tlsTrustFile, tlsTrustPassword,
                connectTimeout, commandTimeout, dataTimeout, maxAddresses, dkim, smarthost);
    }

    /** The SMTP client's limits for these settings. */
    ClientSettings clientSettings() {
        return ClientSettings.defaults().withTimeouts(connectTimeout, commandTimeout, dataTimeout);
    }

    /** How the client does STARTTLS under {@code policy}, with the configured trust anchors. */
    ClientTls clientTls(TlsPolicy policy) {
        if (policy == TlsPolicy.NONE) {
            return ClientTls.none();
        }
        try {
            return ClientTls.of(policy, tlsTrustFile == null ? null
                    : ClientTls.trustAnchors(tlsTrustFile, tlsTrustPassword == null ? null : tlsTrustPassword.toCharArray()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("outbound.tls-trust-file", e.getMessage());
        }
    }

    private static TlsPolicy policy(String text) {
        return TlsPolicy.valueOf(text.toUpperCase(Locale.ROOT));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** {@code host}, {@code host:port} or {@code [v6]:port}, unresolved. */
    static InetSocketAddress hostPort(String key, String value, int defaultPort) {
        String v = value.strip();
        String host = v;
        String port = null;
        if (v.startsWith("[")) {
            int close = v.indexOf(']');
            if (close < 0 || (v.length() > close + 1 && v.charAt(close + 1) != ':')) {
                throw new ConfigException(key, "bad address '" + value + "'");
            }
            host = v.substring(1, close);
            port = v.length() > close + 1 ? v.substring(close + 2) : null;
        } else if (v.indexOf(':') >= 0 && v.indexOf(':') == v.lastIndexOf(':')) {
            host = v.substring(0, v.indexOf(':'));
            port = v.substring(v.indexOf(':') + 1);
        }
        if (host.isEmpty() || !host.matches("[A-Za-z0-9.:-]+")) {
            throw new ConfigException(key, "bad host in '" + value + "'");
        }
        int p = defaultPort;
        if (port != null) {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                p = -1;
            }
            if (p < 1 || p > 65535) {
                throw new ConfigException(key, "bad port in '" + value + "'");
            }
        }
        return InetSocketAddress.createUnresolved(host, p);
    }
}
