package org.mailslot.protocols.outbound;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.net.IDN;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Where mail for a domain goes (RFC 5321 5.1): its MX hosts by preference, in random order within one preference
 * (to spread load as RFC 5321 asks); the domain itself when it has no MX records (the implicit MX); a permanent
 * failure for a null MX (RFC 7505) or a domain that does not exist; a temporary failure when DNS does not answer.
 * A domain literal ({@code [192.0.2.1]}, {@code [IPv6:2001:db8::1]}) is its own host.
 *
 * <p>All queries go to the configured resolvers (or /etc/resolv.conf's), never the hosts file, each with a cache of
 * its own: dnsjava's default cache is shared by the whole JVM, and the local resolver caches anyway.
 */
public final class MxResolver {

    /** Where to deliver, or why not. */
    public sealed interface Route {
        /** The hosts to try, in order. */
        record Hosts(List<MxHost> hosts) implements Route {
            public Hosts {
                hosts = List.copyOf(hosts);
            }
        }

        /** Undeliverable for good: {@code status} is the RFC 3463 code for the DSN (5.1.2, 5.1.10). */
        record Permanent(String status, String reason) implements Route {}

        /** DNS did not answer usably; try again later. */
        record Temporary(String reason) implements Route {}
    }

    /**
     * One host to deliver to: its name (for TLS and logs), preference, and, for a domain literal, its address
     * (otherwise null: {@link #addresses} looks it up).
     */
    public record MxHost(String name, int preference, InetAddress literal) {}

    /** The addresses of one host: found (maybe none), or a DNS failure. */
    public record Addresses(List<InetAddress> found, String failure) {
        public Addresses {
            found = List.copyOf(found);
        }
    }

    private final Resolver resolver;
    private final RandomGenerator random;

    /**
     * Queries {@code servers} (the system's resolvers when empty), {@code timeout} per query; {@code random} orders
     * MX hosts of equal preference (tests pass a seeded one; it must be thread-safe when the resolver is shared).
     */
    public MxResolver(List<InetSocketAddress> servers, Duration timeout, RandomGenerator random) {
        this.resolver = resolver(servers, timeout);
        this.random = random;
    }

    public MxResolver(List<InetSocketAddress> servers, Duration timeout) {
        this(servers, timeout, null);
    }

    private static Resolver resolver(List<InetSocketAddress> servers, Duration timeout) {
        List<InetSocketAddress> use = servers.isEmpty() ? ResolverConfig.getCurrentConfig().servers() : servers;
        List<Resolver> resolvers = new ArrayList<>();
        for (InetSocketAddress s : use) {
            SimpleResolver r = new SimpleResolver(s.isUnresolved() ? new InetSocketAddress(s.getHostString(), s.getPort()) : s);
            r.setTimeout(timeout);
            resolvers.add(r);
        }
        if (resolvers.size() == 1) {
            return resolvers.getFirst();
        }
        ExtendedResolver extended = new ExtendedResolver(resolvers);
        extended.setTimeout(timeout);
        extended.setRetries(1);
        return extended;
    }

    /** The route for mail to {@code domain} (a name, possibly IDN, or a domain literal). */
    public Route route(String domain) {
        if (domain.startsWith("[") && domain.endsWith("]")) {
            return literal(domain);
        }
        Name name;
        try {
            name = absolute(domain);
        } catch (IllegalArgumentException | TextParseException e) {
            return new Route.Permanent("5.1.2", "bad destination domain " + domain + ": " + e.getMessage());
        }
        Lookup mx = lookup(name, Type.MX);
        return switch (mx.getResult()) {
            case Lookup.SUCCESSFUL -> mxHosts(domain, mx.getAnswers());
            case Lookup.TYPE_NOT_FOUND -> new Route.Hosts(List.of(new MxHost(plain(name), 0, null))); // implicit MX
            case Lookup.HOST_NOT_FOUND -> new Route.Permanent("5.1.2", "domain " + domain + " does not exist (NXDOMAIN)");
            default -> new Route.Temporary("DNS lookup of the MX records of " + domain + " failed: " + mx.getErrorString());
        };
    }

    private Route mxHosts(String domain, Record[] answers) {
        List<MXRecord> records = new ArrayList<>();
        for (Record r : answers) {
            if (r instanceof MXRecord m) {
                records.add(m);
            }
        }
        if (records.size() == 1 && records.getFirst().getTarget().equals(Name.root)) {
            return new Route.Permanent("5.1.10", "domain " + domain + " accepts no mail (null MX, RFC 7505)");
        }
        records.removeIf(m -> m.getTarget().equals(Name.root));
        if (records.isEmpty()) {
            return new Route.Temporary("the MX records of " + domain + " name no host");
        }
        Collections.shuffle(records, random != null ? random : ThreadLocalRandom.current());
        records.sort(Comparator.comparingInt(MXRecord::getPriority)); // stable: random order within a preference
        List<MxHost> hosts = new ArrayList<>();
        for (MXRecord m : records) {
            String host = plain(m.getTarget());
            if (hosts.stream().noneMatch(h -> h.name().equals(host))) {
                hosts.add(new MxHost(host, m.getPriority(), null));
            }
        }
        return new Route.Hosts(hosts);
    }

    /** IPv4 addresses first, then IPv6; a host that has neither gives an empty list (not a failure). */
    public Addresses addresses(MxHost host) {
        if (host.literal() != null) {
            return new Addresses(List.of(host.literal()), null);
        }
        Name name;
        try {
            name = absolute(host.name());
        } catch (IllegalArgumentException | TextParseException e) {
            return new Addresses(List.of(), "bad host name " + host.name());
        }
        List<InetAddress> out = new ArrayList<>();
        String failure = null;
        for (int type : new int[]{Type.A, Type.AAAA}) {
            Lookup l = lookup(name, type);
            switch (l.getResult()) {
                case Lookup.SUCCESSFUL -> {
                    for (Record r : l.getAnswers()) {
                        if (r instanceof ARecord a) {
                            out.add(a.getAddress());
                        } else if (r instanceof AAAARecord a) {
                            out.add(a.getAddress());
                        }
                    }
                }
                case Lookup.TYPE_NOT_FOUND, Lookup.HOST_NOT_FOUND -> {
                    // no address of this family
                }
                default -> failure = "DNS lookup of " + Type.string(type) + " for " + host.name() + " failed: "
                        + l.getErrorString();
            }
        }
        return new Addresses(out, out.isEmpty() ? failure : null);
    }

    private Lookup lookup(Name name, int type) {
        Lookup l = new Lookup(name, type);
        l.setResolver(resolver);
        l.setCache(null);
        l.setHostsFileParser(null);
        l.run();
        return l;
    }

    private static Route literal(String domain) {
        String inner = domain.substring(1, domain.length() - 1);
        String address = inner.regionMatches(true, 0, "IPv6:", 0, 5) ? inner.substring(5) : inner;
        try {
            if (!address.matches("[0-9A-Fa-f.:]+")) {
                throw new IllegalArgumentException("not an address");
            }
            InetAddress a = InetAddress.ofLiteral(address);
            return new Route.Hosts(List.of(new MxHost(a.getHostAddress(), 0, a)));
        } catch (IllegalArgumentException e) {
            return new Route.Permanent("5.1.2", "bad address literal " + domain);
        }
    }

    private static Name absolute(String domain) throws TextParseException {
        String ascii = IDN.toASCII(domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain,
                IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        if (ascii.isEmpty()) {
            throw new IllegalArgumentException("empty name");
        }
        return Name.fromString(ascii, Name.root);
    }

    private static String plain(Name name) {
        String s = name.toString(true);
        return s.toLowerCase(Locale.ROOT);
    }
}
