package org.mailslot.protocols.smtp.inbound;

import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.core.DNSService;
import org.apache.james.jspf.core.exceptions.TimeoutException;
import org.xbill.DNS.Type;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * jSPF's view of DNS, answered by our {@link DnsLookup}: no record gives null (as jSPF expects), a failed query
 * a {@link TimeoutException} (jSPF's temperror). RR type SPF (99) is not queried: RFC 7208 3.1 retired it, and
 * some servers answer it with errors that would turn into temperrors.
 */
final class SpfDns implements DNSService {
    /** RFC 7208 4.6.4: at most 10 MX or PTR names are looked at per mechanism. */
    private static final int RECORD_LIMIT = 10;

    private final DnsLookup dns;

    SpfDns(DnsLookup dns) {
        this.dns = dns;
    }

    @Override
    public List<String> getRecords(DNSRequest request) throws TimeoutException {
        int type = switch (request.getRecordType()) {
            case DNSRequest.A -> Type.A;
            case DNSRequest.AAAA -> Type.AAAA;
            case DNSRequest.MX -> Type.MX;
            case DNSRequest.PTR -> Type.PTR;
            case DNSRequest.TXT -> Type.TXT;
            default -> -1;
        };
        if (type < 0) {
            return null;
        }
        return switch (dns.query(request.getHostname(), type)) {
            case DnsLookup.Answer.Found f -> f.values();
            case DnsLookup.Answer.NotFound n -> null;
            case DnsLookup.Answer.Failed f -> throw new TimeoutException(f.reason());
        };
    }

    @Override
    public CompletionStage<List<String>> getRecordsAsync(DNSRequest request) {
        try {
            return CompletableFuture.completedFuture(getRecords(request));
        } catch (TimeoutException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Only the %{r} macro (the receiving host in explanations) asks; we do not tell. */
    @Override
    public List<String> getLocalDomainNames() {
        return List.of();
    }

    /** The timeout is the resolver's ({@code inbound.dns-timeout}). */
    @Override
    public void setTimeOut(int timeOut) {
    }

    @Override
    public int getRecordLimit() {
        return RECORD_LIMIT;
    }

    @Override
    public void setRecordLimit(int recordLimit) {
    }
}
