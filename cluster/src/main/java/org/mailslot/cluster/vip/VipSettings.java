package org.mailslot.cluster.vip;

import java.time.Duration;
import java.util.Set;

import org.mailslot.core.config.ConfigException;
import org.mailslot.core.config.ConfigNode;

/**
 * How a front holds VIPs (the {@code vip} section; docs/configuration.md, timing in architecture.md "VIPs and DNS").
 *
 * @param ipManager        {@value #LOOPBACK} (addresses already on lo: only listeners move) or {@value #LINUX}
 *                         ({@code ip addr add/del} and gratuitous ARP)
 * @param interfaceName    where the linux IP manager adds a VIP that names no interface of its own; null for loopback
 * @param heartbeat        how often the front's VIP agent writes its heartbeat; it reads its VIPs twice as often
 * @param takeoverAfter    how long a front may miss heartbeats before its VIPs are given to others; also the VIP
 *                         manager's lease time
 * @param selfReleaseAfter how long a front that cannot write its heartbeat keeps its VIPs: it may be cut off, and
 *                         after {@code takeoverAfter} another front takes them
 */
public record VipSettings(String ipManager, String interfaceName, Duration heartbeat, Duration takeoverAfter,
                          Duration selfReleaseAfter) {

    public static final String LOOPBACK = "loopback";
    public static final String LINUX = "linux";
    public static final Duration MIN_HEARTBEAT = Duration.ofMillis(100);
    public static final Duration MAX_HEARTBEAT = Duration.ofSeconds(10);

    public VipSettings {
        if (!Set.of(LOOPBACK, LINUX).contains(ipManager)) {
            throw new IllegalArgumentException("vip.ip-manager must be loopback or linux, got '" + ipManager + "'");
        }
        if (LINUX.equals(ipManager) && (interfaceName == null || interfaceName.isBlank())) {
            throw new IllegalArgumentException("vip.interface is needed with vip.ip-manager: linux (the network"
                    + " interface VIPs are added to, like eth0)");
        }
        if (interfaceName != null && !interfaceName.matches("[A-Za-z0-9_.:@-]{1,15}")) {
            throw new IllegalArgumentException("vip.interface must be a network interface name of at most 15"
                    + " characters, got '" + interfaceName + "'");
        }
        if (heartbeat.compareTo(MIN_HEARTBEAT) < 0 || heartbeat.compareTo(MAX_HEARTBEAT) > 0) {
            throw new IllegalArgumentException("vip.heartbeat must be between 100ms and 10s, got " + heartbeat);
        }
        if (takeoverAfter.compareTo(heartbeat.multipliedBy(3)) < 0) {
            throw new IllegalArgumentException("vip.takeover-after must be at least 3 x vip.heartbeat (" + heartbeat
                    + "), or one late heartbeat moves VIPs");
        }
        if (selfReleaseAfter.compareTo(heartbeat.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("vip.self-release-after must be at least 2 x vip.heartbeat (" + heartbeat
                    + "), or one slow heartbeat drops every VIP");
        }
        if (selfReleaseAfter.compareTo(takeoverAfter.minus(heartbeat)) > 0) {
            throw new IllegalArgumentException("vip.self-release-after must be at most vip.takeover-after ("
                    + takeoverAfter + ") less one vip.heartbeat (" + heartbeat + "): a front that is cut off must have"
                    + " let its VIPs go before another front takes them");
        }
    }

    /** Loopback, heartbeat every 500 ms, takeover after 2.5 s, self-release after 1.5 s. */
    public static VipSettings defaults() {
        return new VipSettings(LOOPBACK, null, Duration.ofMillis(500), Duration.ofMillis(2500), Duration.ofMillis(1500));
    }

    /** Reads the {@code vip} section; errors name the key. */
    public static VipSettings from(ConfigNode vip) {
        VipSettings d = defaults();
        String manager = vip.choice("ip-manager", d.ipManager(), Set.of(LOOPBACK, LINUX));
        String iface = vip.string("interface", null);
        Duration heartbeat = vip.duration("heartbeat", d.heartbeat(), MIN_HEARTBEAT, MAX_HEARTBEAT);
        Duration takeover = vip.duration("takeover-after", d.takeoverAfter(), Duration.ofMillis(300), Duration.ofMinutes(5));
        Duration selfRelease = vip.duration("self-release-after", d.selfReleaseAfter(), Duration.ofMillis(200),
                Duration.ofMinutes(5));
        try {
            return new VipSettings(manager, iface, heartbeat, takeover, selfRelease);
        } catch (IllegalArgumentException e) {
            throw ConfigException.fromSettings(e);
        }
    }

    /** How often the agent reads its VIPs and the manager plans: half a heartbeat, so a takeover lands sooner. */
    public Duration poll() {
        return heartbeat.dividedBy(2);
    }
}
