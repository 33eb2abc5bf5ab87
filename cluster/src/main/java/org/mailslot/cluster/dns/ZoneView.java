package org.mailslot.cluster.dns;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.mailslot.directory.Vip;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;

/**
 * Every record the responder serves, built once per refresh from {@link ZoneData}: the zone's service names with the
 * VIPs, and for each hosted domain MX, SPF and DKIM. The zone and each hosted domain outside it are apexes, with SOA
 * and NS (the name server is {@code ns.ZONE}, which has the VIPs too).
 */
final class ZoneView {
    private static final Logger log = LoggerFactory.getLogger(ZoneView.class);
    /** A TXT record is a list of strings of at most 255 bytes each; readers join them. */
    static final int TXT_STRING_MAX = 255;
    static final int MX_PREFERENCE = 10;
    static final String NS_LABEL = "ns";

    private final Map<Name, List<Record>> records = new HashMap<>();
    private final Map<Name, SOARecord> apexes = new HashMap<>();
    /** Names that own records or have descendants that do, up to their apex: those that exist (RFC 8020). */
    private final Set<Name> existing = new HashSet<>();

    private ZoneView() {
    }

    static ZoneView build(DnsSettings settings, ZoneData data, long serial) {
        ZoneView view = new ZoneView();
        long ttl = settings.ttl().toSeconds();
        Name zone = name(settings.zone());
        Name ns = child(NS_LABEL, zone);
        Name mx = child(settings.mxName(), zone);
        Name hostmaster = child("hostmaster", zone);
        view.apex(zone, new SOARecord(zone, DClass.IN, ttl, ns, hostmaster, serial, 3600, 600, 86400, ttl), ns);
        Set<String> hostNames = new java.util.LinkedHashSet<>(settings.serviceNames());
        hostNames.add(settings.mxName());
        hostNames.add(NS_LABEL);
        for (String label : hostNames) {
            Name host = child(label, zone);
            for (InetAddress a : data.answerVips()) {
                view.add(a instanceof Inet6Address ? new AAAARecord(host, DClass.IN, ttl, a)
                        : new ARecord(host, DClass.IN, ttl, a));
            }
            view.exists(host, zone);
        }
        List<String> spf = strings(spf(data.allVips(), settings.spfExtra()));
        for (String domain : data.domains()) {
            Name d;
            try {
                d = Name.fromString(domain + ".");
            } catch (TextParseException e) {
                log.warn("hosted domain {} is no DNS name: not served ({})", domain, e.getMessage());
                continue;
            }
            if (!d.subdomain(zone)) {
                view.apex(d, new SOARecord(d, DClass.IN, ttl, ns, hostmaster, serial, 3600, 600, 86400, ttl), ns);
            }
            view.add(new MXRecord(d, DClass.IN, ttl, MX_PREFERENCE, mx));
            view.add(new TXTRecord(d, DClass.IN, ttl, spf));
        }
        for (DkimRecord k : data.dkim()) {
            try {
                Name at = Name.fromString(k.selector() + "._domainkey." + k.domain() + ".");
                if (view.authority(at) == null) {
                    continue; // a key of a domain that is not hosted (any more)
                }
                view.add(new TXTRecord(at, DClass.IN, ttl, strings(k.value())));
            } catch (TextParseException | IllegalArgumentException e) {
                log.warn("DKIM key {} of {} cannot be published: {}", k.selector(), k.domain(), e.getMessage());
            }
        }
        return view;
    }

    private void apex(Name apex, SOARecord soa, Name ns) {
        apexes.put(apex, soa);
        add(soa);
        add(new NSRecord(apex, DClass.IN, soa.getTTL(), ns));
    }

    private void add(Record r) {
        records.computeIfAbsent(r.getName(), n -> new ArrayList<>()).add(r);
        Name apex = authority(r.getName());
        if (apex != null) {
            exists(r.getName(), apex);
        }
    }

    /** Marks {@code n} and its ancestors up to {@code apex} as existing. */
    private void exists(Name n, Name apex) {
        Name at = n;
        while (at.subdomain(apex) && existing.add(at) && !at.equals(apex)) {
            at = new Name(at, 1);
        }
    }

    /** The closest apex {@code n} is at or under; null when none (the responder refuses). */
    Name authority(Name n) {
        Name best = null;
        for (Name apex : apexes.keySet()) {
            if (n.subdomain(apex) && (best == null || apex.labels() > best.labels())) {
                best = apex;
            }
        }
        return best;
    }

    SOARecord soa(Name apex) {
        return apexes.get(apex);
    }

    /** The records owned by {@code n}, or an empty list. */
    List<Record> at(Name n) {
        return records.getOrDefault(n, List.of());
    }

    /** Whether the name exists (owns records or has descendants that do): NODATA rather than NXDOMAIN. */
    boolean exists(Name n) {
        return existing.contains(n);
    }

    static String spf(List<InetAddress> vips, List<String> extra) {
        StringBuilder sb = new StringBuilder("v=spf1");
        for (InetAddress a : vips) {
            sb.append(a instanceof Inet6Address ? " ip6:" : " ip4:").append(Vip.canonical(a.getHostAddress()));
        }
        for (String term : extra) {
            sb.append(' ').append(term);
        }
        return sb.append(" -all").toString();
    }

    /** Splits a TXT value into strings of at most 255 bytes (ASCII: one byte a character). */
    static List<String> strings(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += TXT_STRING_MAX) {
            out.add(new String(bytes, i, Math.min(TXT_STRING_MAX, bytes.length - i), StandardCharsets.US_ASCII));
        }
        return out.isEmpty() ? List.of("") : out;
    }

    private static Name name(String domain) {
        try {
            return Name.fromString(domain + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("dns.zone " + domain + " is no DNS name: " + e.getMessage(), e);
        }
    }

    private static Name child(String label, Name parent) {
        try {
            return Name.concatenate(Name.fromString(label), parent);
        } catch (TextParseException | org.xbill.DNS.NameTooLongException e) {
            throw new IllegalArgumentException(label + "." + parent + " is no DNS name: " + e.getMessage(), e);
        }
    }
}
