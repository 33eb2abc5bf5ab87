package org.mailslot.protocols.smtp.inbound;

import org.apache.james.jspf.executor.SPFResult;
import org.apache.james.jspf.impl.SPF;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Set;

/**
 * SPF (RFC 7208) with Apache jSPF: is the client allowed to send for the MAIL FROM domain, or, for the null
 * sender, for the HELO name (RFC 7208 2.4: postmaster@HELO)? HELO is not checked separately.
 */
final class SpfCheck {
    private static final Logger log = LoggerFactory.getLogger(SpfCheck.class);
    private static final Set<String> RESULTS = Set.of("pass", "fail", "softfail", "neutral", "none", "temperror", "permerror");

    /**
     * One SPF outcome. {@code identity} is "mailfrom" or "helo", {@code domain} the domain checked (null when there
     * was nothing to check).
     */
    record Result(String result, String identity, String domain) {
        boolean pass() {
            return result.equals("pass");
        }
    }

    private final SPF spf;

    SpfCheck(DnsLookup dns) {
        this.spf = new SPF(new SpfDns(dns));
    }

    Result check(InetAddress client, String helo, String mailFrom) {
        boolean nullSender = mailFrom == null || mailFrom.isEmpty();
        String heloName = helo == null ? "" : helo.trim();
        String identity = nullSender ? "helo" : "mailfrom";
        String domain = nullSender ? heloName : domainOf(mailFrom);
        if (domain.isEmpty() || domain.startsWith("[")) {
            // an address literal (or nothing) has no SPF record to look up
            return new Result("none", identity, domain.isEmpty() ? null : domain);
        }
        try {
            SPFResult r = spf.checkSPF(client.getHostAddress(), nullSender ? "" : mailFrom, heloName);
            String result = r.getResult().toLowerCase(Locale.ROOT);
            if (!RESULTS.contains(result)) {
                log.warn("SPF check of {} for {} gave '{}', taken as temperror", domain, client.getHostAddress(), result);
                result = "temperror";
            }
            return new Result(result, identity, domain.toLowerCase(Locale.ROOT));
        } catch (RuntimeException e) {
            log.warn("SPF check of {} for {} failed, taken as temperror: {}", domain, client.getHostAddress(), e.toString());
            return new Result("temperror", identity, domain.toLowerCase(Locale.ROOT));
        }
    }

    static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? address : address.substring(at + 1);
    }
}
