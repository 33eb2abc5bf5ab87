package org.mailslot.protocols.smtp.inbound;

import org.mailslot.core.config.ConfigException;
import org.mailslot.core.config.ConfigNode;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the MX checks on each incoming message, read from the {@code inbound} section. Each key with its default
 * and bounds; see docs/configuration.md.
 *
 * @param spf               {@code spf}: check SPF for MAIL FROM (HELO for the null sender). Default true
 * @param dkim              {@code dkim}: verify DKIM signatures. Default true
 * @param dmarc             {@code dmarc}: evaluate DMARC; p=quarantine files into Junk. Default true; needs spf or dkim
 * @param dmarcReject       {@code dmarc-reject}: refuse a failing message whose domain says p=reject with 550 5.7.1
 *                          instead of filing it into Junk. Default false
 * @param resolvers         {@code resolvers}: DNS servers, {@code host} or {@code host:port}; default: those in
 *                          /etc/resolv.conf
 * @param dnsTimeout        {@code dns-timeout}: per DNS query. Default 5s, bounds 100ms..1m
 * @param timeout           {@code timeout}: how long SPF, DKIM and DMARC together may take for one message (they run
 *                          side by side); a check not done by then counts as temperror. Default 20s, bounds 1s..5m
 * @param publicSuffixList  {@code public-suffix-list}: the Public Suffix List for DMARC's organizational domains;
 *                          default /usr/share/publicsuffix/public_suffix_list.dat (Debian's publicsuffix); empty or
 *                          missing: the last two labels of a name
 * @param authservId        {@code authserv-id}: the name in our Authentication-Results fields; default: the MX's
 *                          host name (null here)
 * @param spamdHost         {@code spamd}: SpamAssassin's spamd as {@code host:port}; empty (the default): no spam
 *                          scoring
 * @param spamdTimeout      {@code spamd-timeout}: connect, send and answer together; past it the message is accepted
 *                          unscored. Default 30s, bounds 1s..10m
 * @param spamdMaxSize      {@code spamd-max-size}: larger messages are not scored (spamc's -s). Default 500K, bounds
 *                          1K..100M
 */
public record InboundSettings(boolean spf, boolean dkim, boolean dmarc, boolean dmarcReject,
                              List<InetSocketAddress> resolvers, Duration dnsTimeout, Duration timeout,
                              Path publicSuffixList, String authservId, String spamdHost, int spamdPort,
                              Duration spamdTimeout, long spamdMaxSize) {

    public static final Path DEBIAN_PUBLIC_SUFFIX_LIST = Path.of("/usr/share/publicsuffix/public_suffix_list.dat");

    public InboundSettings {
        resolvers = List.copyOf(resolvers);
        if (dmarc && !spf && !dkim) {
            throw new IllegalArgumentException("inbound.dmarc: needs inbound.spf or inbound.dkim (DMARC passes only on"
                    + " an aligned SPF or DKIM pass)");
        }
    }

    /** Whether spamd is configured. */
    public boolean spamd() {
        return spamdHost != null;
    }

    /** Checks off, no spamd: the MX only removes forged Authentication-Results and X-Spam-* fields. */
    public static InboundSettings off() {
        return new InboundSettings(false, false, false, false, List.of(), Duration.ofSeconds(5), Duration.ofSeconds(20),
                null, null, null, 0, Duration.ofSeconds(30), 500L << 10);
    }

    public static InboundSettings from(ConfigNode c) {
        boolean spf = c.bool("spf", true);
        boolean dkim = c.bool("dkim", true);
        boolean dmarc = c.bool("dmarc", true);
        boolean reject = c.bool("dmarc-reject", false);
        List<InetSocketAddress> resolvers = new ArrayList<>();
        for (String r : c.strings("resolvers", List.of())) {
            resolvers.add(hostPort("inbound.resolvers", r, 53));
        }
        Duration dnsTimeout = c.duration("dns-timeout", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMinutes(1));
        Duration timeout = c.duration("timeout", Duration.ofSeconds(20), Duration.ofSeconds(1), Duration.ofMinutes(5));
        Path psl = c.path("public-suffix-list", DEBIAN_PUBLIC_SUFFIX_LIST);
        String authservId = c.string("authserv-id", null);
        if (authservId != null && !authservId.matches("[A-Za-z0-9][A-Za-z0-9.-]{0,252}")) {
            throw new ConfigException("inbound.authserv-id", "must be a host name, got '" + authservId + "'");
        }
        String spamd = c.string("spamd", "");
        InetSocketAddress spamdAddress = spamd.isBlank() ? null : hostPort("inbound.spamd", spamd, -1);
        Duration spamdTimeout = c.duration("spamd-timeout", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMinutes(10));
        long spamdMax = c.bytes("spamd-max-size", 500L << 10, 1L << 10, 100L << 20);
        return new InboundSettings(spf, dkim, dmarc, reject, resolvers, dnsTimeout, timeout,
                psl == null || psl.toString().isBlank() ? null : psl, authservId,
                spamdAddress == null ? null : spamdAddress.getHostString(), spamdAddress == null ? 0 : spamdAddress.getPort(),
                spamdTimeout, spamdMax);
    }

    public static InboundSettings defaults() {
        return from(ConfigNode.empty());
    }

    /** {@code host}, {@code host:port}, {@code [v6]:port}; unresolved. {@code defaultPort} -1: the port is required. */
    private static InetSocketAddress hostPort(String key, String value, int defaultPort) {
        String v = value.strip();
        String host = v;
        String port = null;
        if (v.startsWith("[")) {
            int close = v.indexOf(']');
            if (close < 0) {
                throw new ConfigException(key, "bad address '" + value + "'");
            }
            host = v.substring(1, close);
            if (v.length() > close + 1) {
                if (v.charAt(close + 1) != ':') {
                    throw new ConfigException(key, "bad address '" + value + "'");
                }
                port = v.substring(close + 2);
            }
        } else if (v.indexOf(':') >= 0 && v.indexOf(':') == v.lastIndexOf(':')) {
            host = v.substring(0, v.indexOf(':'));
            port = v.substring(v.indexOf(':') + 1);
        }
        if (host.isEmpty() || !host.matches("[A-Za-z0-9.:-]+")) {
            throw new ConfigException(key, "bad host in '" + value + "'");
        }
        int p;
        if (port == null) {
            if (defaultPort < 0) {
                throw new ConfigException(key, "needs host:port, got '" + value + "'");
            }
            p = defaultPort;
        } else {
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
