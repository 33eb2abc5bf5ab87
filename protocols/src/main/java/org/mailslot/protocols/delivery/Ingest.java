package org.mailslot.protocols.delivery;

import org.mailslot.directory.Account;
import org.mailslot.protocols.ProtocolContext;
import org.mailslot.protocols.SlotUnavailableException;
import org.mailslot.store.AppendResult;
import org.mailslot.store.DeliveryOutcome;
import org.mailslot.store.DeliveryTarget;
import org.mailslot.store.MessageContent;
import org.mailslot.store.QuotaUsage;
import org.mailslot.store.SlotStore;
import org.mailslot.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The one step that writes received mail into slots (Postfix's cleanup): SMTP, submission and LMTP sessions hand
 * it the accepted recipients and the content and get one outcome per recipient back, only after the message is
 * durable in every slot it went to.
 *
 * <p>Accounts are deduplicated (an account reached through several aliases gets one copy), grouped by slot, and each
 * slot gets one {@link SlotStore#deliver} call (the store group-commits concurrent callers); slots are written in
 * parallel on virtual threads.
 *
 * <p>Quota grace: a message that one reply covers (the whole message in SMTP, one recipient in LMTP) is delivered to
 * all of its accounts or to none. When some of them took it and others are over quota, the others get it anyway,
 * quota exceeded by this one message: answering 452 would make the sender retry and duplicate the message for the
 * accounts that took it, and answering 250 without delivering would lose it.
 */
public final class Ingest implements MailDrop {
    private static final Logger log = LoggerFactory.getLogger(Ingest.class);

    private final ProtocolContext ctx;

    public Ingest(ProtocolContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public List<Outcome> deliver(String sender, List<Recipient> recipients, MessageContent content, Instant internalDate, ReplyScope scope) {
        MailDrop.requireHosted(recipients);
        Map<Long, Account> accounts = new LinkedHashMap<>();
        recipients.forEach(r -> r.accounts().forEach(a -> accounts.putIfAbsent(a.id(), a)));
        Map<Long, AccountResult> results = new HashMap<>(deliverToSlots(accounts.values(), content, internalDate, true));

        List<List<Recipient>> groups = scope == ReplyScope.PER_MESSAGE
                ? List.of(recipients) : recipients.stream().map(List::of).toList();
        Map<Long, Account> graced = new LinkedHashMap<>();
        for (List<Recipient> group : groups) {
            List<Account> members = group.stream().flatMap(r -> r.accounts().stream()).toList();
            boolean anyDelivered = members.stream().anyMatch(a -> results.get(a.id()) instanceof AccountResult.Ok);
            boolean anyFailed = members.stream().anyMatch(a -> results.get(a.id()) instanceof AccountResult.Failed);
            if (anyDelivered && !anyFailed) {
                members.stream().filter(a -> results.get(a.id()) instanceof AccountResult.Full).forEach(a -> graced.put(a.id(), a));
            }
        }
        Set<Long> gracedIds = new HashSet<>();
        if (!graced.isEmpty()) {
            Map<Long, AccountResult> second = deliverToSlots(graced.values(), content, internalDate, false);
            second.forEach((id, r) -> {
                if (r instanceof AccountResult.Ok) {
                    gracedIds.add(id);
                    log.info("delivered to account {} over its quota (quota grace: the message's other recipients took it)", id);
                }
                results.put(id, r);
            });
        }

        List<Outcome> outcomes = new ArrayList<>(recipients.size());
        for (Recipient r : recipients) {
            outcomes.add(outcomeOf(r, results, gracedIds));
        }
        return outcomes;
    }

    @Override
    public Outcome precheck(List<Account> accounts, long expectedSize) {
        for (Account a : accounts) {
            try {
                if (a.quotaBytes() > 0) {
                    QuotaUsage usage = ctx.slots().storeFor(a).quotaUsage(a.id());
                    if (usage.bytes() >= a.quotaBytes() || (expectedSize > 0 && usage.bytes() + expectedSize > a.quotaBytes())) {
                        return new Outcome.OverQuota(usage.bytes(), a.quotaBytes());
                    }
                } else {
                    ctx.slots().storeFor(a);
                }
            } catch (SlotUnavailableException e) {
                return new Outcome.TemporaryFailure(e.getMessage());
            } catch (StoreException e) {
                return new Outcome.TemporaryFailure("slot " + a.slotId() + ": " + e.getMessage());
            }
        }
        return new Outcome.Delivered(accounts.size(), 0);
    }

    private Outcome outcomeOf(Recipient r, Map<Long, AccountResult> results, Set<Long> graced) {
        int delivered = 0;
        AccountResult.Full full = null;
        for (Account a : r.accounts()) {
            switch (results.get(a.id())) {
                case AccountResult.Failed f -> {
                    return new Outcome.TemporaryFailure(f.reason());
                }
                case AccountResult.Full f -> full = full == null ? f : full;
                case AccountResult.Ok ok -> delivered++;
                case null -> {
                    return new Outcome.TemporaryFailure("no result for account " + a.id());
                }
            }
        }
        if (full != null) {
            return new Outcome.OverQuota(full.used(), full.quota());
        }
        int gracedHere = (int) r.accounts().stream().filter(a -> graced.contains(a.id())).count();
        return new Outcome.Delivered(delivered, gracedHere);
    }

    private sealed interface AccountResult {
        record Ok() implements AccountResult {}

        record Full(long used, long quota) implements AccountResult {}

        record Failed(String reason) implements AccountResult {}
    }

    /** One deliver call per slot, slots in parallel; every account gets a result. */
    private Map<Long, AccountResult> deliverToSlots(java.util.Collection<Account> accounts, MessageContent content,
                                                    Instant date, boolean enforceQuota) {
        Map<Integer, List<Account>> bySlot = new LinkedHashMap<>();
        accounts.forEach(a -> bySlot.computeIfAbsent(a.slotId(), s -> new ArrayList<>()).add(a));
        Map<Long, AccountResult> results = new HashMap<>();
        if (bySlot.size() == 1) {
            results.putAll(deliverToSlot(bySlot.values().iterator().next(), content, date, enforceQuota));
            return results;
        }
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Map<Long, AccountResult>>> futures = new ArrayList<>();
            for (List<Account> group : bySlot.values()) {
                futures.add(pool.submit(() -> deliverToSlot(group, content, date, enforceQuota)));
            }
            for (Future<Map<Long, AccountResult>> f : futures) {
                try {
                    results.putAll(f.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("slot delivery failed unexpectedly", e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while delivering", e);
                }
            }
        }
        return results;
    }

    private Map<Long, AccountResult> deliverToSlot(List<Account> accounts, MessageContent content, Instant date,
                                                   boolean enforceQuota) {
        Map<Long, AccountResult> results = new HashMap<>();
        int slot = accounts.getFirst().slotId();
        try {
            SlotStore store = ctx.slots().storeFor(accounts.getFirst());
            org.mailslot.store.SpecialUse into = JunkMark.present(content)
                    ? org.mailslot.store.SpecialUse.JUNK : org.mailslot.store.SpecialUse.INBOX;
            List<DeliveryTarget> targets = accounts.stream()
                    .map(a -> new DeliveryTarget(a.id(), enforceQuota ? a.quotaBytes() : 0, into)).toList();
            for (DeliveryOutcome o : store.deliver(content, date, targets)) {
                switch (o) {
                    case DeliveryOutcome.Delivered d -> results.put(d.accountId(), new AccountResult.Ok());
                    case DeliveryOutcome.OverQuota q -> results.put(q.accountId(), new AccountResult.Full(q.usedBytes(), q.quotaBytes()));
                }
            }
        } catch (SlotUnavailableException | StoreException e) {
            log.warn("delivery to slot {} failed: {}", slot, e.getMessage());
            accounts.forEach(a -> results.put(a.id(), new AccountResult.Failed("slot " + slot + " unavailable")));
        } catch (RuntimeException e) {
            log.error("delivery to slot {} failed unexpectedly", slot, e);
            accounts.forEach(a -> results.put(a.id(), new AccountResult.Failed("slot " + slot + " failed")));
        }
        accounts.forEach(a -> results.putIfAbsent(a.id(), new AccountResult.Failed("slot " + slot + " gave no outcome")));
        return results;
    }
}
