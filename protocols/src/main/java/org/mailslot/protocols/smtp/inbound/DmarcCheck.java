package org.mailslot.protocols.smtp.inbound;

import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.LenientAddressParser;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * DMARC (RFC 7489) for one message, in two steps so that the policy lookup can run while SPF and DKIM do:
 * {@link #author} and {@link #discover} find the RFC5322.From domain and its policy record (6.6.3: the domain's own
 * {@code _dmarc} record, else its organizational domain's); {@link #evaluate} then says whether SPF or DKIM passed
 * for an identifier aligned with that domain (relaxed: same organizational domain; strict: the same name) and which
 * policy applies, sampled by {@code pct} (6.6.4: a message outside the sample gets the next milder policy).
 *
 * <p>A message with several From fields, or one From naming mailboxes in different domains, has no one author
 * domain (6.6.1): it gets {@code permerror} and is treated as failing under quarantine, since such a message is
 * how a sender shows one address to the user and has another one checked.
 */
final class DmarcCheck {
    /**
     * The RFC5322.From domain, or why there is none ({@code domain} null); {@code ambiguous} when there are several
     * candidates rather than none.
     */
    record Author(String domain, String problem, boolean ambiguous) {}

    /** What the policy lookup found. */
    sealed interface Discovery {
        /** {@code orgDomain}: the record came from the organizational domain, so sp applies to a subdomain. */
        record Found(DmarcRecord record, boolean orgDomain) implements Discovery {}

        record None() implements Discovery {}

        record TempError(String reason) implements Discovery {}

        /** No author domain (see {@link Author#problem}). */
        record NoAuthor(Author author) implements Discovery {}
    }

    /**
     * The outcome: {@code result} pass, fail, none, temperror or permerror; {@code policy} the domain's published
     * policy (null without a record); {@code applied} the policy for this message after pct sampling: none,
     * quarantine or reject.
     */
    record Result(String result, String fromDomain, String policy, String applied, String reason) {
        /** The same result with the disposition the MX chose instead (p=reject filed into Junk). */
        Result withApplied(String disposition) {
            return new Result(result, fromDomain, policy, disposition, reason);
        }
    }

    private final DnsLookup dns;
    private final OrganizationalDomain org;
    private final RandomGenerator random;

    DmarcCheck(DnsLookup dns, OrganizationalDomain org, RandomGenerator random) {
        this.dns = dns;
        this.org = org;
        this.random = random;
    }

    /** The author domain from the message's From fields. */
    static Author author(List<HeaderFields.Field> fields) {
        List<HeaderFields.Field> from = fields.stream().filter(f -> f.is("From")).toList();
        if (from.isEmpty()) {
            return new Author(null, "no From field", false);
        }
        if (from.size() > 1) {
            return new Author(null, "multiple From fields", true);
        }
        Set<String> domains = new LinkedHashSet<>();
        for (Mailbox m : LenientAddressParser.DEFAULT.parseAddressList(from.getFirst().value()).flatten()) {
            if (m.getDomain() != null && !m.getDomain().isBlank()) {
                domains.add(OrganizationalDomain.normalize(m.getDomain()));
            }
        }
        if (domains.isEmpty()) {
            return new Author(null, "no domain in From", false);
        }
        if (domains.size() > 1) {
            return new Author(null, "From names several domains", true);
        }
        return new Author(domains.iterator().next(), null, false);
    }

    Discovery discover(Author author) {
        if (author.domain() == null) {
            return new Discovery.NoAuthor(author);
        }
        String domain = author.domain();
        Discovery own = lookup(domain, false);
        if (!(own instanceof Discovery.None)) {
            return own;
        }
        String orgDomain = org.of(domain);
        return orgDomain.equals(domain) ? own : lookup(orgDomain, true);
    }

    private Discovery lookup(String domain, boolean orgDomain) {
        return switch (dns.txt("_dmarc." + domain)) {
            case DnsLookup.Answer.Failed f -> new Discovery.TempError(f.reason());
            case DnsLookup.Answer.NotFound n -> new Discovery.None();
            case DnsLookup.Answer.Found f -> {
                List<DmarcRecord> records = new ArrayList<>();
                f.values().forEach(v -> DmarcRecord.parse(v).ifPresent(records::add));
                // 6.6.3: more than one DMARC record means none
                yield records.size() == 1 ? new Discovery.Found(records.getFirst(), orgDomain) : new Discovery.None();
            }
        };
    }

    Result evaluate(Author author, Discovery discovery, SpfCheck.Result spf, List<DkimCheck.Result> dkim) {
        String from = author.domain();
        return switch (discovery) {
            case Discovery.NoAuthor n -> n.author().ambiguous()
                    ? new Result("permerror", null, null, "quarantine", n.author().problem())
                    : new Result("none", null, null, "none", n.author().problem());
            case Discovery.None n -> new Result("none", from, null, "none", null);
            case Discovery.TempError t -> new Result("temperror", from, null, "none", t.reason());
            case Discovery.Found f -> {
                DmarcRecord r = f.record();
                String policy = f.orgDomain() ? r.subdomainPolicy() : r.policy();
                boolean spfAligned = spf.pass() && spf.domain() != null && aligned(spf.domain(), from, r.strictSpf());
                boolean dkimAligned = dkim.stream().anyMatch(d -> d.pass() && d.domain() != null
                        && aligned(d.domain(), from, r.strictDkim()));
                if (spfAligned || dkimAligned) {
                    yield new Result("pass", from, policy, "none", null);
                }
                yield new Result("fail", from, policy, sampled(policy, r.percent()), null);
            }
        };
    }

    boolean aligned(String authenticated, String from, boolean strict) {
        String a = OrganizationalDomain.normalize(authenticated);
        String f = OrganizationalDomain.normalize(from);
        return strict ? a.equals(f) : org.of(a).equals(org.of(f));
    }

    private String sampled(String policy, int percent) {
        if (percent >= 100 || random.nextInt(100) < percent) {
            return policy;
        }
        return switch (policy) {
            case "reject" -> "quarantine";
            default -> "none";
        };
    }
}
