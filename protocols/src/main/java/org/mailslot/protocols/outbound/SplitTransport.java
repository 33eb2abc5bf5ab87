package org.mailslot.protocols.outbound;

import org.mailslot.store.MessageContent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * One attempt of a queued message whose recipients may be partly hosted here and partly elsewhere: the hosted ones go
 * to {@code hosted}, the rest to {@code remote}; the results come back in the envelope's order.
 */
public final class SplitTransport implements OutboundTransport {
    private final Predicate<String> hostedDomain;
    private final OutboundTransport hosted;
    private final OutboundTransport remote;

    public SplitTransport(Predicate<String> hostedDomain, OutboundTransport hosted, OutboundTransport remote) {
        this.hostedDomain = hostedDomain;
        this.hosted = hosted;
        this.remote = remote;
    }

    @Override
    public List<RecipientResult> deliver(Envelope envelope, MessageContent content) {
        List<String> local = new ArrayList<>();
        List<String> away = new ArrayList<>();
        boolean[] isLocal = new boolean[envelope.recipients().size()];
        try {
            for (int i = 0; i < isLocal.length; i++) {
                String r = envelope.recipients().get(i);
                int at = r.lastIndexOf('@');
                isLocal[i] = at > 0 && hostedDomain.test(r.substring(at + 1).toLowerCase(Locale.ROOT));
                (isLocal[i] ? local : away).add(r);
            }
        } catch (RuntimeException e) { // the directory cannot say which domains are ours: try again later
            return envelope.recipients().stream().map(r -> new RecipientResult(r, RecipientResult.Status.TEMPORARY, 451,
                    "4.3.0", "451 4.3.0 directory unavailable: " + e.getMessage(), null)).toList();
        }
        List<RecipientResult> fromLocal = local.isEmpty() ? List.of()
                : hosted.deliver(new Envelope(envelope.sender(), local), content);
        List<RecipientResult> fromAway = away.isEmpty() ? List.of()
                : remote.deliver(new Envelope(envelope.sender(), away), content);
        RecipientResult[] merged = new RecipientResult[isLocal.length];
        int l = 0;
        int a = 0;
        for (int i = 0; i < isLocal.length; i++) {
            merged[i] = isLocal[i] ? fromLocal.get(l++) : fromAway.get(a++);
        }
        return Arrays.asList(merged);
    }
}
