package org.mailslot.server.admin;

import org.mailslot.directory.Directory;
import org.mailslot.directory.DirectoryException;
import org.mailslot.directory.ScrubRequest;
import org.mailslot.directory.Slot;
import org.mailslot.directory.SlotEvent;
import org.mailslot.server.ExitCode;
import org.mailslot.server.UsageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code slot scrub}: asks the slots' masters to scrub them through the directory and prints what they found. */
@Command(name = "scrub", mixinStandardHelpOptions = true,
        description = {"Has each slot's master compare its two copies: every body re-hashed on both, a damaged or missing",
                "body mended from the good copy, each mailbox's messages (uid, flags, modseq, body) compared. Rows that",
                "differ cannot be mended: the replica is then resynced from the master. Waits for the results and",
                "prints them; exits 1 when anything was found (even if repaired) or a slot was not scrubbed in time."})
final class SlotScrubCommand implements Callable<Integer> {
    @ParentCommand
    SlotCommands parent;
    @Spec
    CommandSpec spec;
    @Parameters(arity = "0..*", paramLabel = "SLOT")
    List<Integer> slots;
    @Option(names = "--all", description = "every slot")
    boolean all;
    @Option(names = "--wait", defaultValue = "60s", paramLabel = "DURATION",
            description = "how long to wait for the masters' results (default ${DEFAULT-VALUE})")
    String wait;
    @Option(names = "--json", description = "print JSON")
    boolean json;

    /** One slot's outcome; {@code done} false: not scrubbed within --wait ({@code at} and {@code detail} null). */
    record Result(int slot, String master, boolean done, boolean clean, Instant at, String detail) {}

    @Override
    public Integer call() throws InterruptedException {
        Duration limit = Sizes.parseDuration("--wait", wait);
        if (all == (slots != null && !slots.isEmpty())) {
            throw new UsageException("name the slots to scrub, or --all (not both)");
        }
        try (Directory d = parent.admin.openDirectory()) {
            List<Slot> targets = all ? d.listSlots() : slots.stream().distinct().map(id -> d.slot(id).orElseThrow(() ->
                    new DirectoryException(DirectoryException.Reason.NOT_FOUND, "slot " + id + " does not exist"))).toList();
            Map<Integer, ScrubRequest> asked = new LinkedHashMap<>();
            for (Slot s : targets) {
                asked.put(s.id(), d.requestScrub(s.id()));
            }
            List<Integer> left = SwitchWait.until(d, limit, () -> {
                Set<Integer> pending = d.pendingScrubs().stream().map(ScrubRequest::slot).collect(Collectors.toSet());
                return asked.keySet().stream().filter(pending::contains).toList();
            });
            List<Result> results = new ArrayList<>();
            for (Slot s : targets) {
                SlotEvent event = left.contains(s.id()) ? null : d.listSlotEvents(s.id()).reversed().stream()
                        .filter(e -> e.kind().equals("scrub")).findFirst().orElse(null);
                results.add(event == null ? new Result(s.id(), s.masterNode(), false, false, null, null)
                        : new Result(s.id(), s.masterNode(), true, event.detail().startsWith("clean"), event.at(),
                        event.detail()));
            }
            print(results);
            return results.stream().allMatch(r -> r.done() && r.clean()) ? ExitCode.OK : ExitCode.FAILURE;
        }
    }

    private void print(List<Result> results) {
        if (json) {
            Output.json(results);
        } else {
            results.stream().filter(Result::done).forEach(r -> System.out.printf("slot %d: %s%n", r.slot(), r.detail()));
        }
        for (Result r : results) {
            if (!r.done()) {
                spec.commandLine().getErr().println("mailslot: slot " + r.slot() + " was not scrubbed within " + wait
                        + "; is its master node (" + r.master() + ") running? The request stays until it is");
            }
        }
    }
}
