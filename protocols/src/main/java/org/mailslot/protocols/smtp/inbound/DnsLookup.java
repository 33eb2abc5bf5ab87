package org.mailslot.protocols.smtp.inbound;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * DNS queries for the inbound checks (SPF, DKIM keys, DMARC policies), all through one configured resolver.
 * Each query gets a cache of its own: dnsjava's default cache is shared by the whole JVM, and the resolver
 * (a local caching resolver, as every MX should have) caches better than we would. The hosts file is not read.
 *
 * <p>Every outcome is an {@link Answer}; nothing throws. A server that answers garbage, SERVFAIL or not at all
 * within the timeout gives {@link Answer.Failed}, which the checks report as {@code temperror}.
 */
final class DnsLookup {
    private static final Logger log = LoggerFactory.getLogger(DnsLookup.class);

    /** What one query found. */
    sealed interface Answer {
        /** Records of the asked type: TXT strings joined, addresses as text, MX/PTR targets without the final dot. */
        record Found(List<String> values) implements Answer {}

        /** The name does not exist ({@code nxdomain}) or has no record of the type. */
        record NotFound(boolean nxdomain) implements Answer {}

        /** No usable answer: timeout, network error, SERVFAIL, a reply that does not parse. */
        record Failed(String reason) implements Answer {}
    }

    private final Resolver resolver;

    DnsLookup(Resolver resolver) {
        this.resolver = resolver;
    }

    /** A lookup through {@code servers} (the system's resolvers from /etc/resolv.conf when empty). */
    static DnsLookup of(List<InetSocketAddress> servers, Duration timeout) {
        List<InetSocketAddress> use = servers.isEmpty() ? ResolverConfig.getCurrentConfig().servers() : servers;
        List<Resolver> resolvers = new ArrayList<>();
        for (InetSocketAddress server : use) {
            SimpleResolver r = new SimpleResolver(server.isUnresolved()
                    ? new InetSocketAddress(server.getHostString(), server.getPort()) : server);
            r.setTimeout(timeout);
            resolvers.add(r);
        }
        if (resolvers.size() == 1) {
            return new DnsLookup(resolvers.getFirst());
        }
        ExtendedResolver extended = new ExtendedResolver(resolvers);
        extended.setTimeout(timeout);
        extended.setRetries(1);
        return new DnsLookup(extended);
    }

    Answer txt(String name) {
        return query(name, Type.TXT);
    }

    /** One query of {@code type} (A, AAAA, MX, PTR or TXT) for {@code name}, taken as absolute. */
    Answer query(String name, int type) {
        Name absolute;
        try {
            absolute = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            // not a domain name at all (a label over 63 octets, an empty label): nothing can be published there
            log.debug("not a DNS name: {}", name);
            return new Answer.NotFound(true);
        }
        Lookup lookup = new Lookup(absolute, type);
        lookup.setResolver(resolver);
        lookup.setCache(null);
        lookup.setHostsFileParser(null);
        Record[] records;
        try {
            records = lookup.run();
        } catch (RuntimeException e) {
            // dnsjava parses what the network sends; whatever slips through its checks is still just a bad answer
            return new Answer.Failed("bad answer for " + name + ": " + e);
        }
        return switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL -> found(records, type);
            case Lookup.HOST_NOT_FOUND -> new Answer.NotFound(true);
            case Lookup.TYPE_NOT_FOUND -> new Answer.NotFound(false);
            default -> new Answer.Failed(Type.string(type) + " " + name + ": " + lookup.getErrorString());
        };
    }

    private static Answer found(Record[] records, int type) {
        List<String> values = new ArrayList<>();
        for (Record r : records == null ? new Record[0] : records) {
            switch (r) {
                case TXTRecord txt when type == Type.TXT -> values.add(joined(txt));
                case ARecord a when type == Type.A -> values.add(a.getAddress().getHostAddress());
                case AAAARecord a when type == Type.AAAA -> values.add(a.getAddress().getHostAddress());
                case MXRecord mx when type == Type.MX -> values.add(withoutDot(mx.getTarget()));
                case PTRRecord ptr when type == Type.PTR -> values.add(withoutDot(ptr.getTarget()));
                default -> {
                    // a record of another type in the answer (the CNAME chain): not asked for
                }
            }
        }
        return values.isEmpty() ? new Answer.NotFound(false) : new Answer.Found(List.copyOf(values));
    }

    /** The character-strings of one TXT record as one string, octet for octet (dnsjava's getStrings() escapes). */
    private static String joined(TXTRecord txt) {
        StringBuilder b = new StringBuilder();
        txt.getStringsAsByteArrays().forEach(bytes -> b.append(new String(bytes, StandardCharsets.ISO_8859_1)));
        return b.toString();
    }

    private static String withoutDot(Name name) {
        String s = name.toString();
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
