package org.mailslot.cluster.vip;

import java.net.InetAddress;
import java.time.Clock;

import org.mailslot.directory.Directory;
import org.mailslot.directory.DirectorySettings;

/**
 * A front in a JVM of its own, for {@link VipTakeoverTest}: runs a VIP agent (loopback IP manager, default timing) on
 * the directory {@code args[0]} as node {@code args[1]} until it is killed, and prints "VIP+ address" / "VIP- address"
 * as it takes and lets go of VIPs.
 */
public final class FrontProcess {

    private FrontProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        Directory directory = Directory.open(DirectorySettings.defaults(args[0]));
        new VipAgent(directory, args[1], new LoopbackIpManager(), VipSettings.defaults(), new VipAgent.Listener() {
            @Override
            public void acquired(InetAddress vip) {
                System.out.println("VIP+ " + vip.getHostAddress());
            }

            @Override
            public void released(InetAddress vip) {
                System.out.println("VIP- " + vip.getHostAddress());
            }
        }, Clock.systemUTC()).start();
        Thread.sleep(Long.MAX_VALUE);
    }
}
