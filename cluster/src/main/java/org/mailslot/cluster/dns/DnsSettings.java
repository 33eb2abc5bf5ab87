package org.mailslot.cluster.dns;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.mailslot.core.config.ConfigException;
import org.mailslot.core.config.ConfigNode;

/**
 * The DNS responder of a front (the {@code dns} section; docs/configuration.md, design in architecture.md "VIPs and
 * DNS").
 *
 * @param host         where it listens, UDP and TCP; null: no responder
 * @param port         its port (0: any free one, for tests)
 * @param zone         the cluster's zone, answered with authority, like {@code example.test}
 * @param serviceNames names in the zone that get every VIP as A/AAAA records, like {@code imap}
 * @param mxName       the name in the zone that hosted domains' MX records point to; it gets the VIPs too
 * @param ttl          the TTL of every record, and of negative answers
 * @param spfExtra     SPF mechanisms added to the hosted domains' {@code v=spf1 ip4:VIP... -all}, like
 *                     {@code ip4:192.0.2.0/24} for outbound relays that are not VIPs
 * @param refresh      how often the VIPs, domains and DKIM keys are read from the directory
 */
public record DnsSettings(String host, int port, String zone, List<String> serviceNames, String mxName, Duration ttl,
                          List<String> spfExtra, Duration refresh) {

    public static final List<String> DEFAULT_SERVICE_NAMES = List.of("imap", "pop", "smtp", "mail", "www");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern SPF_TERM = Pattern.compile("[+?~-]?[a-z0-9]+([:/][!-~&&[^\"\\\\]]+)?");

    public DnsSettings {
        if (host != null && (port < 0 || port > 65535)) {
            throw new IllegalArgumentException("dns.listen port must be between 0 and 65535, got " + port);
        }
        if (host != null && (zone == null || zone.isBlank())) {
            throw new IllegalArgumentException("dns.zone is needed when dns.listen is set: the cluster's zone, like"
                    + " example.com, whose imap., smtp. ... names get the VIPs");
        }
        if (zone != null && !zone.isBlank()) {
            zone = zone.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
            if (zone.length() > 200 || !List.of(zone.split("\\.", -1)).stream().allMatch(l -> LABEL.matcher(l).matches())) {
                throw new IllegalArgumentException("dns.zone must be a domain name like example.com, got '" + zone + "'");
            }
        }
        serviceNames = serviceNames.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
        for (String s : serviceNames) {
            if (!LABEL.matcher(s).matches()) {
                throw new IllegalArgumentException("dns.service-names must be single DNS labels like imap, got '" + s + "'");
            }
        }
        mxName = mxName.toLowerCase(Locale.ROOT);
        if (!LABEL.matcher(mxName).matches()) {
            throw new IllegalArgumentException("dns.mx-name must be a single DNS label like mx, got '" + mxName + "'");
        }
        for (String term : spfExtra) {
            if (!SPF_TERM.matcher(term).matches() || term.startsWith("all") || term.matches("[+?~-]all")) {
                throw new IllegalArgumentException("dns.spf-extra entries must be SPF mechanisms like ip4:192.0.2.0/24"
                        + " or include:_spf.example.net (the record ends with -all by itself), got '" + term + "'");
            }
        }
        if (ttl.isNegative() || ttl.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("dns.ttl must be between 0s and 1d, got " + ttl);
        }
        spfExtra = List.copyOf(spfExtra);
    }

    /** Whether a responder should run. */
    public boolean enabled() {
        return host != null;
    }

    /** Reads the {@code dns} section; errors name the key. */
    public static DnsSettings from(ConfigNode dns) {
        String listen = dns.string("listen", "");
        String host = null;
        int port = 0;
        if (listen != null && !listen.isBlank()) {
            int colon = listen.lastIndexOf(':');
            if (colon <= 0 || colon == listen.length() - 1) {
                throw new ConfigException("dns.listen", "must be host:port, like 0.0.0.0:53 or 127.0.0.1:5353, got '"
                        + listen + "'");
            }
            host = listen.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                port = Integer.parseInt(listen.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new ConfigException("dns.listen", "port must be a number, got '" + listen.substring(colon + 1) + "'");
            }
        }
        String zone = dns.string("zone", "");
        List<String> names = dns.strings("service-names", DEFAULT_SERVICE_NAMES);
        String mx = dns.string("mx-name", "mx");
        Duration ttl = dns.duration("ttl", Duration.ofSeconds(30), Duration.ZERO, Duration.ofDays(1));
        List<String> extra = dns.strings("spf-extra", List.of());
        Duration refresh = dns.duration("refresh", Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMinutes(10));
        try {
            return new DnsSettings(host, port, zone, names, mx, ttl, extra, refresh);
        } catch (IllegalArgumentException e) {
            throw ConfigException.fromSettings(e);
        }
    }
}
