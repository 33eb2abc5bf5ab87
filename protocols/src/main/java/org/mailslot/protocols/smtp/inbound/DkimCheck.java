package org.mailslot.protocols.smtp.inbound;

import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.Headers;
import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;
import org.apache.james.jdkim.impl.Message;
import org.mailslot.store.MessageContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * DKIM verification (RFC 6376) with Apache jDKIM: one result per DKIM-Signature field, the public keys looked up
 * through our {@link DnsLookup}. Only the first {@code maxSignatures} signatures are verified (each costs a DNS
 * query and a pass over the body); the rest are not reported.
 */
final class DkimCheck {
    private static final Logger log = LoggerFactory.getLogger(DkimCheck.class);
    /** RFC 6008 asks for at least 8 characters of b= to tell signatures apart; 12 like jDKIM. */
    private static final int B_PREFIX = 12;

    /**
     * One signature's outcome (RFC 8601 2.7.1 words: pass, fail, neutral, temperror, permerror); {@code domain},
     * {@code selector} and {@code b} are null when the signature could not even be parsed.
     */
    record Result(String result, String domain, String selector, String b, String reason) {
        boolean pass() {
            return result.equals("pass");
        }
    }

    private final DnsLookup dns;
    private final int maxSignatures;

    DkimCheck(DnsLookup dns, int maxSignatures) {
        this.dns = dns;
        this.maxSignatures = maxSignatures;
    }

    /** The signatures' results; empty when the message has no DKIM-Signature field. */
    List<Result> verify(MessageContent content) {
        DKIMVerifier verifier = new DKIMVerifier(keys());
        try (InputStream in = content.open()) {
            Message message;
            try {
                message = new Message(in);
            } catch (Exception e) { // mime4j's MimeException, or a RuntimeException on a header it cannot take
                return List.of(new Result("permerror", null, null, null, "message does not parse: " + e.getMessage()));
            }
            try {
                verifier.verify(new FirstSignatures(message, maxSignatures), message.getBodyInputStream());
            } catch (FailException e) {
                // no signature verified: the details are in the results
            } finally {
                message.dispose();
            }
        } catch (IOException e) {
            log.warn("DKIM verification could not read the message: {}", e.toString());
            return List.of(new Result("temperror", null, null, null, "cannot read message"));
        } catch (RuntimeException e) {
            log.warn("DKIM verification failed unexpectedly: {}", e.toString());
            return List.of(new Result("permerror", null, null, null, "verifier error"));
        }
        List<Result> out = new ArrayList<>();
        for (org.apache.james.jdkim.api.Result r : verifier.getResults()) {
            out.add(convert(r));
        }
        return out;
    }

    private static Result convert(org.apache.james.jdkim.api.Result r) {
        String result = r.getResultType().name().toLowerCase(Locale.ROOT);
        var record = r.getRecord();
        boolean parsed = record != null && r.getResultType() != org.apache.james.jdkim.api.Result.Type.PERMERROR;
        String domain = parsed ? text(record.getDToken()) : null;
        String selector = parsed ? text(record.getSelector()) : null;
        String b = parsed ? text(record.getRawSignature()) : null;
        if (b != null) {
            b = b.replaceAll("\\s+", "");
            b = b.substring(0, Math.min(B_PREFIX, b.length()));
        }
        String reason = r.isSuccess() ? null : r.getErrorMessage();
        return new Result(result.equals("none") ? "permerror" : result,
                domain == null ? null : domain.toLowerCase(Locale.ROOT), selector, b, reason);
    }

    private static String text(CharSequence s) {
        return s == null ? null : s.toString();
    }

    private PublicKeyRecordRetriever keys() {
        return (method, selector, domain) -> {
            if (!"dns/txt".contentEquals(method)) {
                throw new PermFailException("key query method " + method + " is not supported");
            }
            return switch (dns.txt(selector + "._domainkey." + domain)) {
                case DnsLookup.Answer.Found f -> f.values();
                case DnsLookup.Answer.NotFound n -> List.of();
                case DnsLookup.Answer.Failed f -> throw new TempFailException(f.reason());
            };
        };
    }

    /** The message's header fields with only the first {@code max} DKIM-Signature fields. */
    private record FirstSignatures(Headers headers, int max) implements Headers {
        @Override
        public List<String> getFields() {
            return headers.getFields();
        }

        @Override
        public List<String> getFields(String name) {
            List<String> fields = headers.getFields(name);
            if (name.equalsIgnoreCase("DKIM-Signature") && fields != null && fields.size() > max) {
                return fields.subList(0, max);
            }
            return fields;
        }
    }
}
