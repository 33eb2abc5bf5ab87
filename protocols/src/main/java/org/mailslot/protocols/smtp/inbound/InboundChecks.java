package org.mailslot.protocols.smtp.inbound;

import org.mailslot.store.MessageContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The MX's checks of one received message, run after the content is spooled and before it is delivered: SPF, DKIM
 * and DMARC into an {@code Authentication-Results} field, spam scoring by spamd into {@code X-Spam-*} fields, and
 * the decision: deliver, file into Junk, or refuse.
 *
 * <p>Decisions: DMARC p=quarantine failing goes to Junk; p=reject failing goes to Junk too, or is refused with
 * 550 5.7.1 when {@code inbound.dmarc-reject} is on (a message refused at the MX can bounce back to a forged
 * sender's real owner, so a provider turns it on only when it trusts its DNS). spamd's "Spam: True" goes to Junk.
 * Temporary errors (DNS, spamd down or slow) never refuse or delay a message beyond the timeouts: it is delivered
 * with what is known, and the reason is logged.
 *
 * <p>The checks run side by side on virtual threads. Forged fields are removed whatever is configured:
 * {@code Authentication-Results} carrying our authserv-id (RFC 8601 5) and every {@code X-Spam-*} field. This
 * never throws: a failure of a check is that check's temperror.
 */
public final class InboundChecks {
    private static final Logger log = LoggerFactory.getLogger(InboundChecks.class);
    /** DKIM signatures verified per message; each costs a DNS query and a pass over the body. */
    static final int MAX_DKIM_SIGNATURES = 8;

    private final InboundSettings settings;
    private final String authservId;
    private final SpfCheck spf;
    private final DkimCheck dkim;
    private final DmarcCheck dmarc;
    private final SpamdClient spamd;
    private final Executor executor = task -> Thread.ofVirtual().name("inbound-check").start(task);

    /** {@code hostname}: the authserv-id when the settings name none (the MX's host name). */
    public InboundChecks(InboundSettings settings, String hostname) {
        this(settings, hostname, new RandomGenerator() {
            @Override
            public long nextLong() {
                return ThreadLocalRandom.current().nextLong(); // sessions check messages concurrently
            }
        });
    }

    InboundChecks(InboundSettings settings, String hostname, RandomGenerator random) {
        this.settings = settings;
        this.authservId = settings.authservId() != null ? settings.authservId() : hostname;
        boolean dns = settings.spf() || settings.dkim() || settings.dmarc();
        DnsLookup lookup = dns ? DnsLookup.of(settings.resolvers(), settings.dnsTimeout()) : null;
        this.spf = settings.spf() ? new SpfCheck(lookup) : null;
        this.dkim = settings.dkim() ? new DkimCheck(lookup, MAX_DKIM_SIGNATURES) : null;
        this.dmarc = settings.dmarc()
                ? new DmarcCheck(lookup, OrganizationalDomain.load(settings.publicSuffixList()), random) : null;
        this.spamd = settings.spamd()
                ? new SpamdClient(settings.spamdHost(), settings.spamdPort(), settings.spamdTimeout(), settings.spamdMaxSize())
                : null;
    }

    /** No checks: only removes forged fields (an MX that was given no settings). */
    public static InboundChecks stripOnly(String hostname) {
        return new InboundChecks(InboundSettings.off(), hostname);
    }

    /**
     * Checks {@code message} (as spooled, our Received field on top) from {@code client}, which said {@code helo}
     * and {@code MAIL FROM:<mailFrom>} ("" for the null sender).
     */
    public Verdict evaluate(InetAddress client, String helo, String mailFrom, MessageContent message) {
        String sender = mailFrom == null ? "" : mailFrom;
        List<HeaderFields.Field> fields;
        try {
            fields = HeaderFields.read(message);
        } catch (IOException | RuntimeException e) {
            log.warn("inbound checks skipped: cannot read the message's header: {}", e.toString());
            return new Verdict(List.of(), List.of(), false, Optional.empty(), "unchecked (header unreadable)");
        }
        List<Verdict.Removed> removed = new ArrayList<>();
        for (HeaderFields.Field f : fields) {
            if (f.startsWith("X-Spam-") || (f.is(AuthenticationResults.NAME)
                    && authservId.equalsIgnoreCase(AuthenticationResults.authservId(f.value())))) {
                removed.add(new Verdict.Removed(f.name(), f.start(), f.end()));
            }
        }
        MessageContent stripped = new Verdict(List.of(), removed, false, Optional.empty(), "").applyTo(message);

        long deadline = System.nanoTime() + settings.timeout().toNanos();
        DmarcCheck.Author author = DmarcCheck.author(fields);
        boolean signed = fields.stream().anyMatch(f -> f.is("DKIM-Signature"));
        var spfRun = spf == null ? null : run(() -> spf.check(client, helo, sender));
        var dkimRun = dkim == null ? null : run(() -> signed ? dkim.verify(message) : List.<DkimCheck.Result>of());
        var discoveryRun = dmarc == null ? null : run(() -> dmarc.discover(author));
        var spamRun = spamd == null ? null : run(() -> spamd.check(stripped));

        SpfCheck.Result spfResult = spfRun == null ? null
                : await(spfRun, deadline, "SPF", () -> new SpfCheck.Result("temperror", sender.isEmpty() ? "helo" : "mailfrom", null));
        List<DkimCheck.Result> dkimResults = dkimRun == null ? null
                : await(dkimRun, deadline, "DKIM", () -> List.of(new DkimCheck.Result("temperror", null, null, null, "timed out")));
        DmarcCheck.Result dmarcResult = null;
        if (discoveryRun != null) {
            DmarcCheck.Discovery discovery = await(discoveryRun, deadline, "DMARC",
                    () -> new DmarcCheck.Discovery.TempError("timed out"));
            dmarcResult = dmarc.evaluate(author, discovery,
                    spfResult != null ? spfResult : new SpfCheck.Result("none", "mailfrom", null),
                    dkimResults != null ? dkimResults : List.of());
            if (dmarcResult.applied().equals("reject") && !settings.dmarcReject()) {
                dmarcResult = dmarcResult.withApplied("quarantine");
            }
        }
        SpamdClient.Outcome spam = spamRun == null ? null
                : spamRun.exceptionally(e -> new SpamdClient.Outcome.Unscored(e.toString())).join();

        return decide(client, spfResult, dkimResults, dmarcResult, spam, removed);
    }

    private Verdict decide(InetAddress client, SpfCheck.Result spfResult, List<DkimCheck.Result> dkimResults,
                           DmarcCheck.Result dmarcResult, SpamdClient.Outcome spam, List<Verdict.Removed> removed) {
        String applied = dmarcResult == null ? "none" : dmarcResult.applied();
        Optional<Verdict.Rejection> rejection = Optional.empty();
        List<String> junkReasons = new ArrayList<>();
        if (applied.equals("reject")) {
            rejection = Optional.of(new Verdict.Rejection(550, "5.7.1", "Unauthenticated email from "
                    + dmarcResult.fromDomain() + " is not accepted due to the domain's DMARC policy"));
        } else if (applied.equals("quarantine")) {
            junkReasons.add(dmarcResult.result().equals("permerror") ? "DMARC_PERMERROR"
                    : "DMARC_" + dmarcResult.policy().toUpperCase(Locale.ROOT));
        }
        // spamd's verdict is the fourth check
        SpamdClient.Outcome.Scored scored = spam instanceof SpamdClient.Outcome.Scored s ? s : null;
        switch (spam) {
            case SpamdClient.Outcome.Unscored u -> log.warn("message accepted unscored: {}", u.reason());
            case SpamdClient.Outcome.Skipped k -> log.debug("message not scored: {}", k.reason());
            case null, default -> {
            }
        }
        boolean junk = !junkReasons.isEmpty() || (scored != null && scored.spam());

        List<String> headers = new ArrayList<>();
        if (junk) {
            headers.add("X-Spam-Flag: YES\r\n");
        }
        if (scored != null) {
            headers.add("X-Spam-Score: " + score(scored.score()) + "\r\n");
        }
        if (scored != null || junk) {
            headers.add(SpamStatus.field(junk, scored, junkReasons));
        }
        String ar = AuthenticationResults.field(authservId, client, spfResult, dkimResults, dmarcResult);
        if (ar != null) {
            headers.add(ar);
        }
        String summary = summary(spfResult, dkimResults, dmarcResult, spam, junk, rejection.isPresent());
        return new Verdict(headers, removed, junk, rejection, summary);
    }

    private <T> CompletableFuture<T> run(Supplier<T> check) {
        return CompletableFuture.supplyAsync(check, executor);
    }

    /** The check's result, or {@code late}'s when it fails or is not done by the deadline (it then runs on unseen). */
    private static <T> T await(CompletableFuture<T> f, long deadline, String what, Supplier<T> late) {
        try {
            return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            log.warn("{} check not done within inbound.timeout: temperror", what);
        } catch (ExecutionException e) {
            log.warn("{} check failed: temperror: {}", what, e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return late.get();
    }

    static String score(double score) {
        return String.format(Locale.ROOT, "%.1f", score);
    }

    private static String summary(SpfCheck.Result spf, List<DkimCheck.Result> dkim, DmarcCheck.Result dmarc,
                                  SpamdClient.Outcome spam, boolean junk, boolean rejected) {
        StringBuilder b = new StringBuilder();
        if (spf != null) {
            b.append("spf=").append(spf.result());
        }
        if (dkim != null) {
            b.append(b.isEmpty() ? "" : " ").append("dkim=")
                    .append(dkim.isEmpty() ? "none" : String.join(",", dkim.stream().map(DkimCheck.Result::result).toList()));
        }
        if (dmarc != null) {
            b.append(b.isEmpty() ? "" : " ").append("dmarc=").append(dmarc.result());
            if (dmarc.policy() != null) {
                b.append("(p=").append(dmarc.policy()).append(" dis=").append(dmarc.applied()).append(')');
            }
        }
        switch (spam) {
            case SpamdClient.Outcome.Scored s -> b.append(b.isEmpty() ? "" : " ").append("spam=")
                    .append(s.spam() ? "yes " : "no ").append(score(s.score())).append('/').append(score(s.threshold()));
            case SpamdClient.Outcome.Unscored u -> b.append(b.isEmpty() ? "" : " ").append("spam=unscored");
            case SpamdClient.Outcome.Skipped k -> b.append(b.isEmpty() ? "" : " ").append("spam=skipped");
            case null -> {
            }
        }
        if (rejected) {
            b.append(" -> rejected");
        } else if (junk) {
            b.append(" -> Junk");
        }
        return b.isEmpty() ? "no checks" : b.toString();
    }
}
