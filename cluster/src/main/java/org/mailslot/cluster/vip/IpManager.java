package org.mailslot.cluster.vip;

import java.io.IOException;
import java.net.InetAddress;

/**
 * Puts a VIP on this host and takes it off again (DESIGN.md section 6). Both calls are idempotent: adding an address
 * that is there, or removing one that is not, succeeds. An {@link IOException} says what failed and why, in words an
 * operator can act on.
 */
public interface IpManager {

    /** Makes this host answer on {@code vip}; {@code interfaceName} is where it goes (ignored by loopback). */
    void add(InetAddress vip, String interfaceName) throws IOException;

    /** Stops this host answering on {@code vip}. */
    void remove(InetAddress vip, String interfaceName) throws IOException;

    /** The implementation the settings name. */
    static IpManager of(VipSettings settings) {
        return VipSettings.LINUX.equals(settings.ipManager()) ? new LinuxIpManager() : new LoopbackIpManager();
    }
}
