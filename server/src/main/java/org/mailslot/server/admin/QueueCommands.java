package org.mailslot.server.admin;

import org.mailslot.server.control.SlotAdmin;
import org.mailslot.store.OutboundEntry;
import org.mailslot.store.OutboundRecipient;
import picocli.CommandLine.Command;
import org.mailslot.server.UsageException;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code queue}: the outbound queues of the slots the node masters (Postfix's mailq). */
@Command(name = "queue", mixinStandardHelpOptions = true,
        description = "Shows the outbound queues of the slots this node masters (run it on each store node).",
        subcommands = {QueueCommands.ListQueue.class, QueueCommands.Flush.class, QueueCommands.Delete.class})
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

    @Command(name = "flush", mixinStandardHelpOptions = true,
            description = "Makes every waiting recipient due now: the queue runner tries them at its next scan (queue.scan-interval).")
    static final class Flush implements Runnable {
        @ParentCommand
        QueueCommands parent;

        @Override
        public void run() {
            try (SlotAdmin slots = parent.admin.openSlotAdmin()) {
                System.out.printf("%d recipient(s) due now%n", slots.flushQueue());
            }
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = {"Removes a queued message (ID as queue list shows it: SLOT.ENTRY) without a report to its",
                    "sender. Run it on the node that masters the slot."})
    static final class Delete implements Runnable {
        @ParentCommand
        QueueCommands parent;
        @Parameters(paramLabel = "ID", description = "SLOT.ENTRY, e.g. 3.17")
        String id;

        @Override
        public void run() {
            String[] parts = id.split("\\.");
            int slot;
            long entry;
            try {
                if (parts.length != 2) {
                    throw new NumberFormatException();
                }
                slot = Integer.parseInt(parts[0]);
                entry = Long.parseLong(parts[1]);
            } catch (NumberFormatException e) {
                throw new UsageException("ID must be SLOT.ENTRY as queue list shows it, e.g. 3.17; got '" + id + "'");
            }
            try (SlotAdmin slots = parent.admin.openSlotAdmin()) {
                slots.deleteQueued(slot, entry);
                System.out.println("deleted " + slot + "." + entry);
            }
        }
    }
}
