package org.mailslot.cluster.vip;

import java.io.IOException;
import java.net.InetAddress;

/**
 * VIPs on one machine: 127.x addresses, which Linux already answers on, so holding one only means that this front's
 * listeners bind to it (the agent's listener opens them). For the demo and tests.
 */
public final class LoopbackIpManager implements IpManager {

    @Override
    public void add(InetAddress vip, String interfaceName) throws IOException {
        requireLoopback(vip);
    }

    @Override
    public void remove(InetAddress vip, String interfaceName) throws IOException {
        requireLoopback(vip);
    }

    private static void requireLoopback(InetAddress vip) throws IOException {
        if (!vip.isLoopbackAddress()) {
            throw new IOException("VIP " + vip.getHostAddress() + " is not a loopback address: vip.ip-manager loopback"
                    + " holds only 127.x and ::1 addresses; use vip.ip-manager: linux for real ones");
        }
    }

    @Override
    public String toString() {
        return "loopback";
    }
}
