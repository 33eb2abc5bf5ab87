package org.mailslot.server.admin;

import org.mailslot.server.control.SlotAdmin;
import org.mailslot.store.OutboundEntry;
import org.mailslot.store.OutboundRecipient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code queue}: the outbound queues of the slots the node masters (Postfix's mailq). */
@Command(name = "queue", mixinStandardHelpOptions = true,
        description = "Shows the outbound queues of the slots this node masters (run it on each store node).",
        subcommands = {QueueCommands.ListQueue.class})
final class QueueCommands implements Runnable {
    @ParentCommand
    AdminCommand admin;

    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Lists queued messages: id (slot.entry), sender, size, age, and each recipient still pending",
                    "with its attempts, next attempt and last answer. Asks the running node; with no node running",
                    "nothing is open and the list is empty."})
    static final class ListQueue implements Runnable {
        @ParentCommand
        QueueCommands parent;
        @Option(names = "--json", description = "print JSON")
        boolean json;

        @Override
        public void run() {
            try (SlotAdmin slots = parent.admin.openSlotAdmin()) {
                List<SlotAdmin.QueuedMessage> queue = slots.queue();
                if (json) {
                    Output.json(queue);
                    return;
                }
                long now = Instant.now().toEpochMilli();
                List<List<String>> rows = new ArrayList<>();
                for (SlotAdmin.QueuedMessage q : queue) {
                    OutboundEntry e = q.entry();
                    for (OutboundRecipient r : e.pending()) {
                        rows.add(List.of(q.slot() + "." + e.id(), e.sender().isEmpty() ? "<>" : e.sender(),
                                Output.bytes(e.size()), Output.duration(now - e.createdAt().toEpochMilli()), r.address(),
                                Integer.toString(r.attempts()),
                                r.nextAttemptAt() == null ? "-" : "in " + Output.duration(Math.max(0, r.nextAttemptAt().toEpochMilli() - now)),
                                r.diagnostic() == null ? "-" : r.diagnostic()));
                    }
                }
                Output.table(List.of("ID", "SENDER", "SIZE", "AGE", "RECIPIENT", "ATTEMPTS", "NEXT", "LAST ANSWER"), rows);
                System.out.printf("%d message(s), %d recipient(s) pending%n", queue.size(), rows.size());
            }
        }
    }
}
