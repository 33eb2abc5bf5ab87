package org.mailslot.cluster.vip;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hosts of several fronts seen as one network: which front has each address on. A second front adding an
 * address another one still has is recorded as a violation (two live holders of one VIP).
 */
final class Hosts {
    final Map<InetAddress, String> holders = new ConcurrentHashMap<>();
    final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    final Set<InetAddress> refuse = ConcurrentHashMap.newKeySet();
    final List<String> removals = Collections.synchronizedList(new ArrayList<>());

    IpManager manager(String node) {
        return new IpManager() {
            @Override
            public void add(InetAddress vip, String interfaceName) throws IOException {
                if (refuse.contains(vip)) {
                    throw new IOException("cannot add VIP " + vip.getHostAddress() + ": refused by the test");
                }
                String before = holders.putIfAbsent(vip, node);
                if (before != null && !before.equals(node)) {
                    violations.add(node + " added " + vip.getHostAddress() + " while " + before + " had it");
                }
            }

            @Override
            public void remove(InetAddress vip, String interfaceName) {
                removals.add(node + " " + vip.getHostAddress());
                holders.remove(vip, node);
            }
        };
    }

    /** The addresses a front has on, as text, sorted. */
    Set<String> of(String node) {
        Set<String> out = new TreeSet<>();
        holders.forEach((a, n) -> {
            if (n.equals(node)) {
                out.add(a.getHostAddress());
            }
        });
        return out;
    }

    /** The front's host went down with it. */
    void crash(String node) {
        holders.values().removeIf(node::equals);
    }
}
