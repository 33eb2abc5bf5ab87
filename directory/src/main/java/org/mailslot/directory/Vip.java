package org.mailslot.directory;

import java.time.Instant;

/**
 * A service address (VIP) that DNS hands out and one live front holds (DESIGN.md section 6).
 *
 * @param address       canonical text of the IPv4 or IPv6 address
 * @param interfaceName where the linux IP manager adds it; null: the holding front's {@code vip.interface}
 * @param owner         the front that holds it, or null while nobody does
 * @param ownerSince    when {@code owner} got it; null with {@code owner}
 * @param movingTo      a planned move away from a live owner, who removes the address before it hands the VIP over;
 *                      null when none
 */
public record Vip(String address, String interfaceName, String owner, Instant ownerSince, String movingTo,
                  Instant created) {

    /**
     * The canonical text of an IP address as VIPs are stored: dotted IPv4, IPv6 compressed as RFC 5952 says; INVALID
     * for anything but an address a front can serve on.
     */
    public static String canonical(String address) {
        return Vips.canonical(address);
    }
}
