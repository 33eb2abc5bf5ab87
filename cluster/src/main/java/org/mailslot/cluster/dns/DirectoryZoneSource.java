package org.mailslot.cluster.dns;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.mailslot.directory.Directory;
import org.mailslot.directory.Domain;
import org.mailslot.directory.Vip;
import org.mailslot.directory.VipFront;

/**
 * The responder's data from the directory: VIPs and whether their holders are alive (a VIP heartbeat within
 * {@code vip.takeover-after}), hosted domains, and the DKIM keys of the directory (or another {@link DkimRecords}).
 */
public final class DirectoryZoneSource implements ZoneSource {
    private final Directory directory;
    private final Duration takeoverAfter;
    private final Clock clock;
    private final DkimRecords dkim;

    /** With the DKIM keys of the directory: every key of every hosted domain, active or kept for mail in flight. */
    public DirectoryZoneSource(Directory directory, Duration takeoverAfter, Clock clock) {
        this(directory, takeoverAfter, clock, () -> directory.listDkimKeys(null).stream()
                .map(k -> new DkimRecord(k.domain(), k.selector(), k.recordText())).toList());
    }

    public DirectoryZoneSource(Directory directory, Duration takeoverAfter, Clock clock, DkimRecords dkim) {
        this.directory = directory;
        this.takeoverAfter = takeoverAfter;
        this.clock = clock;
        this.dkim = dkim;
    }

    @Override
    public ZoneData load() {
        Instant now = clock.instant();
        Set<String> alive = new HashSet<>();
        for (VipFront f : directory.listVipFronts()) {
            if (f.heartbeat() != null && Duration.between(f.heartbeat(), now).compareTo(takeoverAfter) <= 0) {
                alive.add(f.node());
            }
        }
        List<InetAddress> all = new ArrayList<>();
        List<InetAddress> held = new ArrayList<>();
        for (Vip v : directory.listVips()) {
            InetAddress a = InetAddress.ofLiteral(v.address());
            all.add(a);
            if (v.owner() != null && alive.contains(v.owner())) {
                held.add(a);
            }
        }
        List<String> domains = directory.listDomains().stream().map(Domain::name).toList();
        return new ZoneData(held.isEmpty() ? all : held, all, domains, dkim.list());
    }
}
