package org.mailslot.protocols.smtp.inbound;

import java.util.Locale;
import java.util.Optional;

/**
 * A DMARC policy record (RFC 7489 6.3): {@code v=DMARC1; p=reject; sp=quarantine; adkim=s; aspf=r; pct=50}.
 * Reporting tags (rua, ruf, fo, rf, ri) are read only to decide about a record without a valid {@code p}; we send
 * no reports.
 *
 * @param policy          p: none, quarantine or reject
 * @param subdomainPolicy sp, or p when absent: applies to subdomains of the domain the record was found at
 * @param strictDkim      adkim=s
 * @param strictSpf       aspf=s
 * @param percent         pct: 0..100, the share of failing messages the policy applies to
 */
record DmarcRecord(String policy, String subdomainPolicy, boolean strictDkim, boolean strictSpf, int percent) {

    /**
     * The record in one TXT string; empty when it is not a DMARC record at all (RFC 7489 6.6.3: discard records that
     * do not start with v=DMARC1) or when its p is missing or invalid and it names no report address. A record with
     * a bad p but a rua is taken as p=none, as 6.6.3 asks. Bad values of the optional tags take their defaults.
     */
    static Optional<DmarcRecord> parse(String txt) {
        String[] tags = txt.split(";");
        if (tags.length == 0 || !tagName(tags[0]).equals("v") || !tagValue(tags[0]).equals("DMARC1")) {
            return Optional.empty();
        }
        String p = null;
        String sp = null;
        boolean adkimStrict = false;
        boolean aspfStrict = false;
        int pct = 100;
        boolean rua = false;
        for (int i = 1; i < tags.length; i++) {
            String name = tagName(tags[i]).toLowerCase(Locale.ROOT);
            String value = tagValue(tags[i]).toLowerCase(Locale.ROOT);
            switch (name) {
                case "p" -> p = policy(value);
                case "sp" -> sp = policy(value);
                case "adkim" -> adkimStrict = value.equals("s");
                case "aspf" -> aspfStrict = value.equals("s");
                case "pct" -> pct = percent(value);
                case "rua" -> rua = value.contains(":");
                default -> {
                    // unknown tags are ignored (6.3)
                }
            }
        }
        if (p == null) {
            if (!rua) {
                return Optional.empty();
            }
            p = "none";
        }
        return Optional.of(new DmarcRecord(p, sp == null ? p : sp, adkimStrict, aspfStrict, pct));
    }

    private static String tagName(String tag) {
        int eq = tag.indexOf('=');
        return (eq < 0 ? tag : tag.substring(0, eq)).strip();
    }

    private static String tagValue(String tag) {
        int eq = tag.indexOf('=');
        return eq < 0 ? "" : tag.substring(eq + 1).strip();
    }

    private static String policy(String value) {
        return switch (value) {
            case "none", "quarantine", "reject" -> value;
            default -> null;
        };
    }

    private static int percent(String value) {
        try {
            int n = Integer.parseInt(value);
            return n < 0 || n > 100 ? 100 : n;
        } catch (NumberFormatException e) {
            return 100;
        }
    }
}
