package org.mailslot.front.mx;

import org.mailslot.directory.Account;
import org.mailslot.front.FrontSettings;
import org.mailslot.front.SlotRouter;
import org.mailslot.protocols.delivery.MailDrop;
import org.mailslot.protocols.smtp.client.ClientSettings;
import org.mailslot.protocols.smtp.client.SendResult;
import org.mailslot.protocols.smtp.client.SmtpClient;
import org.mailslot.store.MessageContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The front's {@link MailDrop}: hands a message to the master of each recipient's slot over LMTP, whose 250 for an
 * account means the message is durable on both copies of its slot (DESIGN.md section 6: fronts keep no mail). Within
 * one SMTP transaction a slot that refuses (not master any more: a switchover) or cannot be reached is tried again at
 * the master the directory names next, until {@code front.master-wait}; accounts that never got a 250 are a
 * temporary failure, and the sender's MTA retries.
 *
 * <p>Unlike {@link org.mailslot.protocols.delivery.Ingest} there is no quota grace across slots: when one account is
 * full and others took the message, the sender gets 452 and its retry duplicates the message for the others.
 */
public final class MasterDrop implements MailDrop {
    private static final Logger log = LoggerFactory.getLogger(MasterDrop.class);
    private static final long RETRY_PAUSE_MS = 200;

    private final SlotRouter router;
    private final FrontSettings settings;
    private final String hostname;
    private final Clock clock;
    private final ClientSettings client;

    public MasterDrop(SlotRouter router, FrontSettings settings, String hostname, Clock clock) {
        this.router = router;
        this.settings = settings;
        this.hostname = hostname;
        this.clock = clock;
        this.client = ClientSettings.defaults().withTimeouts(settings.connectTimeout(),
                ClientSettings.defaults().commandTimeout(), ClientSettings.defaults().dataTimeout());
    }

    /** The front cannot see quotas: it only checks that every account's slot has a master to go to. */
    @Override
    public Outcome precheck(List<Account> accounts, long expectedSize) {
        for (Account a : accounts) {
            if (router.route(a.slotId()).isEmpty()) {
                return new Outcome.TemporaryFailure("slot " + a.slotId() + " has no master");
            }
        }
        return new Outcome.Delivered(accounts.size(), 0);
    }

    @Override
    public List<Outcome> deliver(String sender, List<Recipient> recipients, MessageContent content, Instant date,
                                 ReplyScope scope) {
        MailDrop.requireHosted(recipients);
        Map<Long, Account> accounts = new LinkedHashMap<>();
        recipients.forEach(r -> r.accounts().forEach(a -> accounts.putIfAbsent(a.id(), a)));
        Map<Integer, List<Account>> bySlot = new LinkedHashMap<>();
        accounts.values().forEach(a -> bySlot.computeIfAbsent(a.slotId(), s -> new ArrayList<>()).add(a));
        Map<Long, Outcome> results = new HashMap<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Map<Long, Outcome>>> futures = new ArrayList<>();
            for (Map.Entry<Integer, List<Account>> e : bySlot.entrySet()) {
                futures.add(pool.submit(() -> deliverToSlot(e.getKey(), sender, e.getValue(), content)));
            }
            for (Future<Map<Long, Outcome>> f : futures) {
                results.putAll(f.get());
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("slot delivery failed unexpectedly", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while delivering", e);
        }
        List<Outcome> outcomes = new ArrayList<>(recipients.size());
        for (Recipient r : recipients) {
            outcomes.add(outcomeOf(r, results));
        }
        return outcomes;
    }

    private static Outcome outcomeOf(Recipient r, Map<Long, Outcome> results) {
        Outcome full = null;
        for (Account a : r.accounts()) {
            Outcome o = results.get(a.id());
            if (o == null || o instanceof Outcome.TemporaryFailure) {
                return o == null ? new Outcome.TemporaryFailure("no result for account " + a.id()) : o;
            }
            if (o instanceof Outcome.OverQuota && full == null) {
                full = o;
            }
        }
        return full != null ? full : new Outcome.Delivered(r.accounts().size(), 0);
    }

    /** LMTP to the slot's master, again at the next master for the accounts without an answer, until master-wait. */
    private Map<Long, Outcome> deliverToSlot(int slot, String sender, List<Account> accounts, MessageContent content) {
        Map<Long, Outcome> results = new HashMap<>();
        List<Account> pending = new ArrayList<>(accounts);
        long deadline = clock.millis() + settings.masterWait().toMillis();
        Optional<SlotRouter.Route> route = router.route(slot);
        String problem = "slot has no master";
        while (true) {
            if (route.isPresent()) {
                SlotRouter.Route r = route.get();
                try (SmtpClient lmtp = SmtpClient.connect(SmtpClient.Protocol.LMTP, r.address(), settings.lmtpPort(), client)) {
                    lmtp.hello(hostname);
                    SendResult sent = lmtp.send(sender, pending.stream().map(Account::address).toList(), content);
                    lmtp.quit();
                    List<Account> again = new ArrayList<>();
                    for (int i = 0; i < pending.size(); i++) {
                        SendResult.RecipientReply reply = sent.recipients().get(i);
                        Account a = pending.get(i);
                        if (reply.delivered()) {
                            results.put(a.id(), new Outcome.Delivered(1, 0));
                        } else if (reply.reply().code() == 452) {
                            results.put(a.id(), new Outcome.OverQuota(0, a.quotaBytes()));
                        } else {
                            problem = r.node() + " answered " + reply.reply();
                            again.add(a);
                        }
                    }
                    pending = again;
                } catch (IOException e) {
                    problem = r.node() + " (" + r.address() + "): " + e.getMessage();
                }
            }
            if (pending.isEmpty()) {
                return results;
            }
            log.info("slot {}: {} for {}; looking for the slot's master again", slot, problem,
                    pending.stream().map(Account::address).toList());
            if (clock.millis() >= deadline) {
                log.warn("slot {}: no master took the message for {} within {}: {}", slot,
                        pending.stream().map(Account::address).toList(), settings.masterWait(), problem);
                for (Account a : pending) {
                    results.put(a.id(), new Outcome.TemporaryFailure("slot " + slot + ": " + problem));
                }
                return results;
            }
            try {
                Thread.sleep(RETRY_PAUSE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                pending.forEach(a -> results.put(a.id(), new Outcome.TemporaryFailure("interrupted")));
                return results;
            }
            route = router.reroute(slot);
        }
    }
}
