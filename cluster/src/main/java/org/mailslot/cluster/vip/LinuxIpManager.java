package org.mailslot.cluster.vip;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * VIPs on a real interface: {@code ip addr add VIP/32 dev IFACE label IFACE:vip} (IPv6: {@code /128 nodad}, usable
 * at once), then gratuitous ARP so that neighbours and the router send to this host at once instead of when their
 * ARP entries expire (keepalived does the same); {@code ip addr del} to let go. Needs root (CAP_NET_ADMIN) and
 * iproute2; arping is optional. Debian's {@code arping} package (Thomas Habets') and iputils' arping take different
 * flags; both are recognised. IPv6 gets no unsolicited neighbour advertisement from here (the kernel sends one when
 * net.ipv6.conf.IFACE.ndisc_notify is 1).
 */
public final class LinuxIpManager implements IpManager {
    private static final Logger log = LoggerFactory.getLogger(LinuxIpManager.class);
    private static final long COMMAND_TIMEOUT_SECONDS = 5;
    /**
     * Gratuitous ARPs per take-over, 0.6 s apart (iputils' arping: 1 s): Linux ignores a neighbour update that comes
     * within locktime (1 s) of the entry's last change, so one of them must come later than that.
     */
    static final int GRATUITOUS_ARPS = 3;

    private enum Arping { HABETS, IPUTILS, MISSING }

    private final List<String> prefix;
    private volatile Arping arping;

    public LinuxIpManager() {
        this(List.of());
    }

    /** Runs every command after {@code prefix}, e.g. {@code ip netns exec NS} in tests. */
    LinuxIpManager(List<String> prefix) {
        this.prefix = List.copyOf(prefix);
    }

    @Override
    public void add(InetAddress vip, String interfaceName) throws IOException {
        requireInterface(vip, interfaceName);
        Result r = run(ipAddr("add", vip, interfaceName));
        // "File exists" (older iproute2) or "Address already assigned": it is there, which is what we want
        if (r.exit() != 0 && !r.stderr().contains("File exists") && !r.stderr().contains("already assigned")) {
            throw failure("add", vip, interfaceName, r);
        }
        if (!(vip instanceof Inet6Address)) {
            announce(vip, interfaceName);
        }
    }

    @Override
    public void remove(InetAddress vip, String interfaceName) throws IOException {
        requireInterface(vip, interfaceName);
        Result r = run(ipAddr("del", vip, interfaceName));
        // "Cannot assign requested address" (older iproute2) or "Address not found": it was not there, as we want
        if (r.exit() != 0 && !r.stderr().contains("Cannot assign requested address")
                && !r.stderr().contains("Address not found")) {
            throw failure("remove", vip, interfaceName, r);
        }
    }

    private static void requireInterface(InetAddress vip, String interfaceName) throws IOException {
        if (interfaceName == null || interfaceName.isBlank()) {
            throw new IOException("VIP " + vip.getHostAddress() + " has no interface: set vip.interface or give the VIP"
                    + " one (admin vip add ADDRESS --interface IFACE)");
        }
    }

    private List<String> ipAddr(String verb, InetAddress vip, String interfaceName) {
        boolean v6 = vip instanceof Inet6Address;
        List<String> cmd = new ArrayList<>(List.of("ip", v6 ? "-6" : "-4", "addr", verb,
                vip.getHostAddress() + (v6 ? "/128" : "/32"), "dev", interfaceName));
        if (v6 && verb.equals("add")) {
            cmd.add("nodad");
        }
        String label = label(interfaceName);
        if (!v6 && verb.equals("add") && label != null) {
            cmd.addAll(List.of("label", label));
        }
        return cmd;
    }

    /**
     * IPv4 VIPs are labelled IFACE:vip (when that fits in 15 characters), so an operator or a systemd ExecStopPost can
     * remove whatever a killed front left behind with {@code ip -4 addr flush dev IFACE label IFACE:vip}.
     */
    static String label(String interfaceName) {
        String label = interfaceName + ":vip";
        return label.length() <= 15 ? label : null;
    }

    private static IOException failure(String what, InetAddress vip, String interfaceName, Result r) {
        String why = r.stderr().isBlank() ? "exit code " + r.exit() : r.stderr().strip();
        String hint = why.contains("Operation not permitted") ? " (the linux IP manager needs root or CAP_NET_ADMIN)"
                : why.contains("Cannot find device") ? " (is vip.interface or the VIP's interface right?)" : "";
        return new IOException("cannot " + what + " VIP " + vip.getHostAddress() + " on " + interfaceName + ": "
                + String.join(" ", r.command()) + ": " + why + hint);
    }

    /** Sends gratuitous ARPs in the background: the address works without them, neighbours just learn it later. */
    private void announce(InetAddress vip, String interfaceName) {
        Arping flavour = arping();
        if (flavour == Arping.MISSING) {
            return;
        }
        String ip = vip.getHostAddress();
        List<String> cmd = flavour == Arping.HABETS
                ? List.of("arping", "-q", "-U", "-S", ip, "-c", String.valueOf(GRATUITOUS_ARPS), "-W", "0.6",
                        "-i", interfaceName, ip)
                : List.of("arping", "-q", "-U", "-c", String.valueOf(GRATUITOUS_ARPS), "-I", interfaceName, ip);
        Thread.ofVirtual().name("garp-" + ip).start(() -> {
            try {
                Result r = run(cmd);
                // both arpings exit 1 when nobody answers, which is normal for gratuitous ARP; errors go to stderr
                if (!r.stderr().isBlank() || r.exit() > 1) {
                    log.warn("gratuitous ARP for VIP {} on {} failed: {}: {}", ip, interfaceName,
                            String.join(" ", r.command()), r.stderr().strip());
                }
            } catch (IOException e) {
                log.warn("gratuitous ARP for VIP {} on {} failed: {}", ip, interfaceName, e.getMessage());
            }
        });
    }

    private Arping arping() {
        Arping known = arping;
        if (known != null) {
            return known;
        }
        Arping found;
        try {
            Result r = run(List.of("arping", "--help"));
            String text = r.stdout() + r.stderr();
            found = text.contains("Habets") ? Arping.HABETS : Arping.IPUTILS;
        } catch (IOException e) {
            found = Arping.MISSING;
            log.warn("arping is not installed: VIPs taken over are not announced by gratuitous ARP, so neighbours"
                    + " reach the new holder only when their ARP entries expire (install Debian's arping)");
        }
        arping = found;
        return found;
    }

    record Result(List<String> command, int exit, String stdout, String stderr) {}

    Result run(List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(args);
        Process p;
        try {
            p = new ProcessBuilder(cmd).start();
            p.getOutputStream().close(); // nothing to read from us
        } catch (IOException e) {
            throw new IOException("cannot run " + cmd.getFirst() + " (" + String.join(" ", cmd) + "): " + e.getMessage(), e);
        }
        try {
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " did not finish within " + COMMAND_TIMEOUT_SECONDS + " s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(cmd, p.exitValue(), out, err);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", cmd) + " was interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "linux";
    }
}
