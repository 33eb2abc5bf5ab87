package org.mailslot.server.admin;

import org.mailslot.directory.CopyPosition;
import org.mailslot.directory.Directory;
import org.mailslot.directory.Slot;
import org.mailslot.server.ExitCode;
import org.mailslot.server.control.SlotAdmin;
import org.mailslot.store.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

@Command(name = "slot", mixinStandardHelpOptions = true,
        description = "Lists, verifies, scrubs, fails over and switches over slots.",
        subcommands = {SlotCommands.ListSlots.class, SlotCommands.Verify.class, SlotScrubCommand.class,
                SlotCommands.Failover.class, SlotCommands.Switchover.class})
final class SlotCommands implements Runnable {
    @ParentCommand
    AdminCommand admin;

    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists slots: master, replica, epoch, sync state, the replica's lag as last reported, and accounts.")
    static final class ListSlots implements Runnable {
        @ParentCommand
        SlotCommands parent;
        @Option(names = "--json", description = "print JSON")
        boolean json;

        /** {@code lagMs} and {@code lagReported} are null until the replica's node reports its position. */
        record Row(int id, String master, String replica, long epoch, boolean inSync, Long lagMs, Instant lagReported,
                   int accounts) {}

        /** A lag report older than this is shown with its age: the replica may have stopped reporting. */
        static final Duration STALE_REPORT = Duration.ofMinutes(1);

        @Override
        public void run() {
            Instant now = Instant.now();
            try (Directory d = parent.admin.openDirectory()) {
                Map<Integer, Integer> counts = d.accountsPerSlot();
                Map<String, CopyPosition> copies = new HashMap<>();
                d.listCopies().forEach(c -> copies.put(c.slot() + "@" + c.node(), c));
                List<Row> rows = d.listSlots().stream().map(s -> {
                    CopyPosition replica = s.replicaNode() == null ? null : copies.get(s.id() + "@" + s.replicaNode());
                    return new Row(s.id(), s.masterNode(), s.replicaNode(), s.epoch(), s.inSync(),
                            replica == null ? null : replica.lagMs(), replica == null ? null : replica.updated(),
                            counts.getOrDefault(s.id(), 0));
                }).toList();
                if (json) {
                    Output.json(rows);
                } else {
                    Output.table(List.of("SLOT", "MASTER", "REPLICA", "EPOCH", "IN-SYNC", "LAG", "ACCOUNTS"), rows.stream().map(r -> List.of(
                            String.valueOf(r.id()), r.master(), r.replica() == null ? "-" : r.replica(), String.valueOf(r.epoch()),
                            r.inSync() ? "yes" : "NO", lag(r, now), String.valueOf(r.accounts()))).toList());
                }
            }
        }

        private static String lag(Row r, Instant now) {
            if (r.lagMs() == null) {
                return "-";
            }
            Duration age = Duration.between(r.lagReported(), now);
            String lag = Output.duration(r.lagMs());
            return age.compareTo(STALE_REPORT) > 0 ? lag + " (" + Output.duration(age.toMillis()) + " old)" : lag;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Re-hashes every body and checks every row of the given slots (all by default).",
                    "Exits 1 when a problem is found."})
    static final class Verify implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        SlotCommands parent;
        @Parameters(arity = "0..*", paramLabel = "SLOT")
        List<Integer> slots;
        @Option(names = "--json", description = "print JSON")
        boolean json;

        @Override
        public Integer call() {
            List<VerifyReport> reports = new ArrayList<>();
            try (Directory d = parent.admin.openDirectory(); SlotAdmin slotAdmin = parent.admin.openSlotAdmin()) {
                List<Integer> ids = slots == null || slots.isEmpty() ? d.listSlots().stream().map(Slot::id).toList() : slots;
                for (int id : ids) {
                    if (d.slot(id).isEmpty()) {
                        throw new org.mailslot.directory.DirectoryException(org.mailslot.directory.DirectoryException.Reason.NOT_FOUND,
                                "slot " + id + " does not exist");
                    }
                    reports.add(slotAdmin.verify(id));
                }
            }
            if (json) {
                Output.json(reports);
            } else {
                for (VerifyReport r : reports) {
                    System.out.printf("slot %d: %s (%d bodies, %d rows checked)%n", r.slotId(), r.clean() ? "clean" : "PROBLEMS",
                            r.blobsChecked(), r.rowsChecked());
                    r.problems().forEach(p -> System.out.println("  " + p));
                }
            }
            return reports.stream().allMatch(VerifyReport::clean) ? ExitCode.OK : ExitCode.FAILURE;
        }
    }

    @Command(name = "failover", mixinStandardHelpOptions = true,
            description = {"Promotes the slot's replica to master: epoch + 1, roles swapped, in one directory transaction.",
                    "Refused when the replica is out of sync (it may lack acknowledged writes) unless --force,",
                    "which records the possible loss in the slot's history. Nodes pick up the new roles within",
                    "cluster.role-refresh; the old master, if it still runs, is fenced and rejoins as replica.",
                    "For planned maintenance of a running master, use switchover instead: it loses nothing."})
    static final class Failover implements Runnable {
        @ParentCommand
        SlotCommands parent;
        @Parameters(paramLabel = "SLOT")
        int slot;
        @Option(names = "--force", description = "promote an out-of-sync replica, accepting the loss of what it lacks")
        boolean force;
        @Option(names = "--reason", description = "why, kept in the slot's history")
        String reason;
        @Option(names = "--json", description = "print JSON")
        boolean json;

        @Override
        public void run() {
            try (Directory d = parent.admin.openDirectory()) {
                Slot before = d.slot(slot).orElseThrow(() -> new org.mailslot.directory.DirectoryException(
                        org.mailslot.directory.DirectoryException.Reason.NOT_FOUND, "slot " + slot + " does not exist"));
                Slot after = d.promoteReplica(slot, before.epoch(), force, false,
                        "by mailslot admin" + (reason == null ? "" : ": " + reason));
                if (json) {
                    Output.json(after);
                } else {
                    System.out.printf("slot %d: master %s -> %s, epoch %d -> %d%s%n", slot, before.masterNode(),
                            after.masterNode(), before.epoch(), after.epoch(),
                            before.inSync() ? "" : " (forced: the replica was out of sync; see the slot's history)");
                }
            }
        }
    }

    @Command(name = "switchover", mixinStandardHelpOptions = true,
            description = {"Swaps the slot's master and its in-sync replica with nothing lost: at its next role refresh",
                    "the master stops taking writes, sees every one of them on the replica and promotes it (epoch + 1).",
                    "Refused (exit 5) when the replica is out of sync. Waits until done, or --wait passes (exit 1)."})
    static final class Switchover implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        SlotCommands parent;
        @Parameters(paramLabel = "SLOT")
        int slot;
        @Option(names = "--wait", defaultValue = "10s", paramLabel = "DURATION",
                description = "how long to wait for the master to hand over (default ${DEFAULT-VALUE})")
        String wait;

        @Override
        public Integer call() throws InterruptedException {
            Duration limit = Sizes.parseDuration("--wait", wait);
            try (Directory d = parent.admin.openDirectory()) {
                Slot before = d.slot(slot).orElseThrow(() -> new org.mailslot.directory.DirectoryException(
                        org.mailslot.directory.DirectoryException.Reason.NOT_FOUND, "slot " + slot + " does not exist"));
                long started = System.nanoTime();
                d.requestSwitchover(slot);
                List<Integer> left = SwitchWait.until(d, limit,
                        () -> d.slot(slot).orElseThrow().epoch() == before.epoch() ? List.of(slot) : List.of());
                if (!left.isEmpty()) {
                    System.err.println("mailslot: slot " + slot + " was not switched over within " + wait
                            + "; is its master node (" + before.masterNode() + ") running? The request stays until it is");
                    return ExitCode.FAILURE;
                }
                Slot after = d.slot(slot).orElseThrow();
                System.out.printf("slot %d: master %s -> %s, epoch %d -> %d, in %d ms%n", slot, before.masterNode(),
                        after.masterNode(), before.epoch(), after.epoch(), (System.nanoTime() - started) / 1_000_000);
                return ExitCode.OK;
            }
        }
    }
}
