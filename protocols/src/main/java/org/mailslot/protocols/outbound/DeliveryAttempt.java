package org.mailslot.protocols.outbound;

import org.mailslot.protocols.outbound.OutboundTransport.RecipientResult;
import org.mailslot.store.MessageContent;
import org.mailslot.store.OutboundEntry;
import org.mailslot.store.OutboundNotice;
import org.mailslot.store.OutboundOutcome;
import org.mailslot.store.OutboundRecipient;
import org.mailslot.store.OutboundRecipient.State;
import org.mailslot.store.SlotStore;
import org.mailslot.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One delivery attempt of one queued message (Postfix's qmgr hand-off to smtp plus bounce): claim it in the store (a
 * replicated write that already counts it deferred until its next backoff), hand its pending recipients to the
 * transport, then record in one more replicated write what became of each — delivered, bounced, deferred until the
 * next backoff, or expired when its lifetime is over — together with the report its sender gets: one delivery status
 * notification when the last recipient is settled and any failed, or a delay notice once. A message from the null
 * sender never gets a report.
 */
final class DeliveryAttempt {
    private static final Logger log = LoggerFactory.getLogger(DeliveryAttempt.class);

    private final QueueSettings settings;
    private final OutboundTransport transport;
    private final DeliveryReport reports;
    private final DeliveryLog deliveryLog;
    private final Clock clock;

    DeliveryAttempt(QueueSettings settings, OutboundTransport transport, DeliveryReport reports,
                    DeliveryLog deliveryLog, Clock clock) {
        this.settings = settings;
        this.transport = transport;
        this.reports = reports;
        this.deliveryLog = deliveryLog;
        this.clock = clock;
    }

    static String queueId(SlotStore store, long id) {
        return store.slotId() + "." + id;
    }

    /** Tries {@code due} once if it is still due; never throws. */
    void run(SlotStore store, OutboundEntry due) {
        String queueId = queueId(store, due.id());
        try {
            attempt(store, due, queueId);
        } catch (StoreException e) {
            // the claim refused (no longer master, slot closing, I/O): nothing was tried
            deliveryLog.problem(queueId, "not tried: " + e.getMessage());
        } catch (RuntimeException e) {
            log.error("{}: attempt failed unexpectedly; the entry is retried after its backoff", queueId, e);
        }
    }

    private void attempt(SlotStore store, OutboundEntry due, String queueId) {
        Instant start = clock.instant();
        int attempts = due.pending().stream().mapToInt(OutboundRecipient::attempts).max().orElse(0) + 1;
        OutboundEntry entry = store.claimOutbound(due.id(), start, settings.nextAttempt(start, attempts, due.expiresAt()))
                .orElse(null);
        if (entry == null || entry.pending().isEmpty()) {
            return; // tried meanwhile by someone else, or gone
        }
        List<String> addresses = entry.pending().stream().map(OutboundRecipient::address).toList();
        Map<String, RecipientResult> results = deliver(entry, addresses, store, queueId);
        Instant end = clock.instant();

        List<OutboundOutcome> outcomes = new ArrayList<>();
        for (OutboundRecipient r : entry.pending()) {
            outcomes.add(outcome(queueId, entry, r, results.get(r.address()), end));
        }
        OutboundNotice notice = notice(store, queueId, entry, outcomes, end);
        try {
            store.recordOutboundAttempt(entry.id(), outcomes, notice);
        } catch (StoreException e) {
            // the at-least-once window (docs/architecture.md, "Outbound queue"): the claim stands, so the entry is
            // tried again after its backoff, here or on the slot's next master
            deliveryLog.problem(queueId, "result of the attempt not recorded (" + e.getMessage() + "): retried from "
                    + entry.pending().getFirst().nextAttemptAt() + "; recipients delivered now may get it twice");
            return;
        }
        if (notice != null) {
            deliveryLog.notice(queueId, notice.kind() == OutboundNotice.Kind.DELAY ? "delay" : "non-delivery",
                    entry.accountId());
        }
    }

    /** The transport's answer by address; a transport that throws or leaves a recipient out defers it. */
    private Map<String, RecipientResult> deliver(OutboundEntry entry, List<String> addresses, SlotStore store,
                                                 String queueId) {
        List<RecipientResult> answered;
        try {
            answered = transport.deliver(new OutboundTransport.Envelope(entry.sender(), addresses),
                    new QueuedBody(store, entry));
        } catch (RuntimeException e) {
            log.error("{}: the transport failed; every recipient is deferred", queueId, e);
            answered = List.of();
        }
        Map<String, RecipientResult> out = new HashMap<>();
        for (RecipientResult r : answered == null ? List.<RecipientResult>of() : answered) {
            if (r != null && r.recipient() != null && r.status() != null && addresses.contains(r.recipient())) {
                out.putIfAbsent(r.recipient(), r);
            }
        }
        for (String a : addresses) {
            out.computeIfAbsent(a, x -> new RecipientResult(x, RecipientResult.Status.TEMPORARY, 0, null,
                    "local error: no delivery result", null));
        }
        return out;
    }

    private OutboundOutcome outcome(String queueId, OutboundEntry entry, OutboundRecipient r, RecipientResult result,
                                    Instant now) {
        String status = Diagnostics.status(result);
        String diagnostic = Diagnostics.text(result);
        DeliveryLog.Status logged;
        OutboundOutcome outcome = switch (result.status()) {
            case DELIVERED -> {
                logged = DeliveryLog.Status.SENT;
                yield new OutboundOutcome(r.address(), State.DELIVERED, null, status, diagnostic, result.remoteMta());
            }
            case PERMANENT -> {
                logged = DeliveryLog.Status.BOUNCED;
                yield new OutboundOutcome(r.address(), State.FAILED, null, status, diagnostic, result.remoteMta());
            }
            case TEMPORARY -> {
                if (!now.isBefore(entry.expiresAt())) { // RFC 3463 4.4.7: delivery time expired
                    logged = DeliveryLog.Status.EXPIRED;
                    yield new OutboundOutcome(r.address(), State.FAILED, null, "4.4.7", diagnostic, result.remoteMta());
                }
                logged = DeliveryLog.Status.DEFERRED;
                yield new OutboundOutcome(r.address(), State.PENDING,
                        settings.nextAttempt(now, r.attempts(), entry.expiresAt()), status, diagnostic,
                        result.remoteMta());
            }
        };
        deliveryLog.recipient(queueId, r.address(), result.remoteMta(), entry.createdAt(), now, r.attempts(),
                outcome.status(), logged, diagnostic);
        return outcome;
    }

    /**
     * The report this attempt sends, if any: the non-delivery report once nothing is pending and a recipient failed
     * (this time or before), else a delay notice once the message has waited {@code delay-notice-after}.
     */
    private OutboundNotice notice(SlotStore store, String queueId, OutboundEntry entry, List<OutboundOutcome> outcomes,
                                  Instant now) {
        if (entry.sender().isEmpty()) {
            return null; // never a report about a report (RFC 5321 6.1: no bounce loops)
        }
        Map<String, OutboundOutcome> byAddress = new HashMap<>();
        outcomes.forEach(o -> byAddress.put(o.address(), o));
        List<DeliveryReport.Recipient> failed = new ArrayList<>();
        List<DeliveryReport.Recipient> delayed = new ArrayList<>();
        for (OutboundRecipient r : entry.recipients()) {
            OutboundOutcome o = byAddress.get(r.address());
            if (o == null && r.state() == State.FAILED) { // failed in an earlier attempt
                failed.add(new DeliveryReport.Recipient(r.address(), DeliveryReport.Action.FAILED, r.status(),
                        r.diagnostic(), r.remoteMta(), null));
            } else if (o != null && o.state() == State.FAILED) {
                failed.add(new DeliveryReport.Recipient(o.address(), DeliveryReport.Action.FAILED, o.status(),
                        o.diagnostic(), o.remoteMta(), now));
            } else if (o != null && o.state() == State.PENDING) {
                delayed.add(new DeliveryReport.Recipient(o.address(), DeliveryReport.Action.DELAYED, o.status(),
                        o.diagnostic(), o.remoteMta(), now));
            }
        }
        if (delayed.isEmpty() && !failed.isEmpty()) {
            byte[] report = reports.failure(queueId, entry, failed, headers(store, entry, queueId), now);
            return new OutboundNotice(OutboundNotice.Kind.FAILURE, MessageContent.of(report));
        }
        boolean delayDue = !settings.delayNoticeAfter().isZero() && !entry.delayNoticeSent()
                && !now.isBefore(entry.createdAt().plus(settings.delayNoticeAfter()));
        if (!delayed.isEmpty() && delayDue) {
            byte[] report = reports.delay(queueId, entry, delayed, headers(store, entry, queueId), now);
            return new OutboundNotice(OutboundNotice.Kind.DELAY, MessageContent.of(report));
        }
        return null;
    }

    /** The message's header section; a report goes out without it rather than not at all. */
    private byte[] headers(SlotStore store, OutboundEntry entry, String queueId) {
        try (InputStream in = new BufferedInputStream(store.openBody(entry.blobHash()))) {
            return OriginalHeaders.read(in);
        } catch (IOException | StoreException e) {
            deliveryLog.problem(queueId, "cannot read the message's headers for its report: " + e.getMessage());
            return new byte[0];
        }
    }

    /** The queued body, read from the slot each time the transport opens it. */
    private record QueuedBody(SlotStore store, OutboundEntry entry) implements MessageContent {
        @Override
        public long size() {
            return entry.size();
        }

        @Override
        public InputStream open() throws IOException {
            try {
                return store.openBody(entry.blobHash());
            } catch (StoreException e) {
                throw new IOException("cannot read queued body " + entry.blobHash() + ": " + e.getMessage(), e);
            }
        }
    }
}
