package org.mailslot.server.admin;

import org.mailslot.directory.Directory;
import org.mailslot.directory.Vip;
import org.mailslot.directory.VipFront;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

@Command(name = "vip", mixinStandardHelpOptions = true,
        description = {"Adds, removes and lists the service addresses (VIPs) that DNS hands out. The fronts share them",
                "out among themselves: each VIP is held by one live front, and taken over when that front dies."},
        subcommands = {VipCommands.Add.class, VipCommands.Remove.class, VipCommands.ListVips.class})
final class VipCommands implements Runnable {
    @ParentCommand
    AdminCommand admin;

    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Adds a VIP; a live front takes it within a second or so.")
    static final class Add implements Runnable {
        @ParentCommand
        VipCommands parent;
        @Parameters(paramLabel = "ADDRESS", description = "an IPv4 or IPv6 address, like 192.0.2.10")
        String address;
        @Option(names = "--interface", paramLabel = "IFACE",
                description = "where the linux IP manager adds it (default: each front's vip.interface)")
        String iface;

        @Override
        public void run() {
            try (Directory d = parent.admin.openDirectory()) {
                Vip vip = d.addVip(address, iface);
                System.out.println("VIP " + vip.address() + " added" + (iface == null ? "" : " (on " + iface + ")"));
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Removes a VIP; its front takes the address off at its next poll. Take it out of DNS first.")
    static final class Remove implements Runnable {
        @ParentCommand
        VipCommands parent;
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Override
        public void run() {
            try (Directory d = parent.admin.openDirectory()) {
                d.removeVip(address);
                System.out.println("VIP " + Vip.canonical(address) + " removed");
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Lists VIPs: the front holding each, since when, how long ago that front's VIP agent last",
                    "sent a heartbeat, and a planned move. OWNER '-': nobody holds it (no live front)."})
    static final class ListVips implements Runnable {
        @ParentCommand
        VipCommands parent;
        @Option(names = "--json", description = "print JSON")
        boolean json;

        record Row(String address, String interfaceName, String owner, Instant ownerSince, Long ownerHeartbeatAgeMs,
                   String movingTo) {}

        @Override
        public void run() {
            Instant now = Instant.now();
            try (Directory d = parent.admin.openDirectory()) {
                Map<String, Instant> beats = new HashMap<>();
                for (VipFront f : d.listVipFronts()) {
                    if (f.heartbeat() != null) {
                        beats.put(f.node(), f.heartbeat());
                    }
                }
                List<Row> rows = d.listVips().stream().map(v -> {
                    Instant beat = v.owner() == null ? null : beats.get(v.owner());
                    return new Row(v.address(), v.interfaceName(), v.owner(), v.ownerSince(),
                            beat == null ? null : Math.max(0, Duration.between(beat, now).toMillis()), v.movingTo());
                }).toList();
                if (json) {
                    Output.json(rows);
                    return;
                }
                Output.table(List.of("VIP", "INTERFACE", "OWNER", "SINCE", "OWNER HEARTBEAT", "MOVING TO"),
                        rows.stream().map(r -> List.of(r.address(), r.interfaceName() == null ? "-" : r.interfaceName(),
                                r.owner() == null ? "-" : r.owner(),
                                r.ownerSince() == null ? "-" : r.ownerSince().toString() + " ("
                                        + Output.duration(Math.max(0, Duration.between(r.ownerSince(), now).toMillis()))
                                        + " ago)",
                                r.ownerHeartbeatAgeMs() == null ? "-" : Output.duration(r.ownerHeartbeatAgeMs()) + " ago",
                                r.movingTo() == null ? "-" : r.movingTo())).toList());
            }
        }
    }
}
