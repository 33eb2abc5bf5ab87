package org.mailslot.cluster.dns;

import java.net.InetAddress;
import java.util.List;

/**
 * What the responder answers from, read together from the directory.
 *
 * @param answerVips the VIPs that service names resolve to: those with a live holder, or all when none has one (a
 *                   client trying a dead address beats an empty answer)
 * @param allVips    every VIP, for SPF: a VIP between two holders still sends mail a moment later
 * @param domains    the hosted domains, lower-case
 * @param dkim       the DKIM public keys to publish
 */
public record ZoneData(List<InetAddress> answerVips, List<InetAddress> allVips, List<String> domains,
                       List<DkimRecord> dkim) {

    public ZoneData {
        answerVips = List.copyOf(answerVips);
        allVips = List.copyOf(allVips);
        domains = List.copyOf(domains);
        dkim = List.copyOf(dkim);
    }
}
