package org.mailslot.protocols.outbound;

import org.mailslot.protocols.outbound.MxResolver.MxHost;
import org.mailslot.protocols.outbound.MxResolver.Route;
import org.mailslot.protocols.smtp.client.ClientReply;
import org.mailslot.protocols.smtp.client.ClientSettings;
import org.mailslot.protocols.smtp.client.ClientTls;
import org.mailslot.protocols.smtp.client.SendResult;
import org.mailslot.protocols.smtp.client.SmtpClient;
import org.mailslot.protocols.smtp.client.SmtpClientException;
import org.mailslot.protocols.smtp.client.TlsInfo;
import org.mailslot.protocols.smtp.client.TlsPolicy;
import org.mailslot.store.MessageContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Delivers to other mail servers over SMTP: recipients are grouped by domain, each domain's MX hosts (or the
 * smarthost) are tried in order until one takes the session, and that server's replies decide each recipient:
 * 2xx delivered, 4xx temporary, 5xx permanent. No reachable host is a temporary failure with the reasons; a null
 * MX or a domain that does not exist is permanent. The message is DKIM-signed once, before the first session.
 *
 * <p>A host that fails before the transaction starts (connect, greeting, EHLO, TLS, AUTH) is skipped for the next
 * one; once MAIL FROM went out, whatever happens is that host's answer for this attempt, so that a message is not
 * sent twice to two MX hosts of one domain.
 */
public final class RemoteTransport implements OutboundTransport {
    private static final Logger log = LoggerFactory.getLogger(RemoteTransport.class);

    private final OutboundSettings settings;
    private final MxResolver resolver;
    private final DkimSigner signer;
    private final ClientSettings client;
    private final ClientTls mxTls;
    private final ClientTls relayTls;
    private final String heloName;

    /** {@code settings.heloName()} must be set (see {@link OutboundSettings#withHeloName}). */
    public RemoteTransport(OutboundSettings settings, MxResolver resolver, DkimSigner signer) {
        if (settings.heloName() == null) {
            throw new IllegalArgumentException("outbound.helo-name is not set (the node sets its host name)");
        }
        this.settings = settings;
        this.resolver = resolver;
        this.signer = settings.dkim() ? signer : DkimSigner.none();
        this.client = settings.clientSettings();
        this.mxTls = settings.clientTls(settings.tls());
        this.relayTls = settings.smarthost() == null ? null : settings.clientTls(settings.smarthost().tls());
        this.heloName = settings.heloName();
    }

    /** With the resolvers of {@code settings}. */
    public RemoteTransport(OutboundSettings settings, DkimSigner signer) {
        this(settings, new MxResolver(settings.resolvers(), settings.dnsTimeout()), signer);
    }

    @Override
    public List<RecipientResult> deliver(Envelope envelope, MessageContent content) {
        MessageContent message;
        try {
            message = signer.sign(envelope.sender(), content);
        } catch (IOException e) {
            return all(envelope.recipients(), temporary("cannot read the queued message: " + e.getMessage(), null));
        }
        Map<String, List<String>> byDomain = new LinkedHashMap<>();
        for (String r : envelope.recipients()) {
            String key = settings.smarthost() != null ? "" : domainOf(r);
            byDomain.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        Map<String, RecipientResult> results = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> group : byDomain.entrySet()) {
            List<RecipientResult> got = settings.smarthost() != null
                    ? toSmarthost(envelope.sender(), group.getValue(), message)
                    : toDomain(group.getKey(), envelope.sender(), group.getValue(), message);
            got.forEach(r -> results.putIfAbsent(r.recipient(), r));
        }
        return envelope.recipients().stream().map(results::get).toList();
    }

    private List<RecipientResult> toDomain(String domain, String sender, List<String> recipients, MessageContent message) {
        if (domain.isEmpty()) {
            return all(recipients, new Outcome(RecipientResult.Status.PERMANENT, 0, "5.1.3",
                    "recipient address has no domain", null));
        }
        Route route = resolver.route(domain);
        return switch (route) {
            case Route.Permanent p -> all(recipients, new Outcome(RecipientResult.Status.PERMANENT, 0, p.status(), p.reason(), null));
            case Route.Temporary t -> all(recipients, temporary(t.reason(), null));
            case Route.Hosts h -> tryHosts(domain, h.hosts(), sender, recipients, message);
        };
    }

    private List<RecipientResult> tryHosts(String domain, List<MxHost> hosts, String sender, List<String> recipients,
                                           MessageContent message) {
        List<String> failures = new ArrayList<>();
        int budget = settings.maxAddresses();
        boolean anyAddress = false;
        for (MxHost host : hosts) {
            if (budget == 0) {
                break;
            }
            MxResolver.Addresses addresses = resolver.addresses(host);
            if (addresses.failure() != null) {
                failures.add(addresses.failure());
                continue;
            }
            if (addresses.found().isEmpty()) {
                failures.add(host.name() + " has no address");
                continue;
            }
            anyAddress = true;
            for (InetAddress address : addresses.found()) {
                if (budget-- == 0) {
                    break;
                }
                Attempt a = attempt(new InetSocketAddress(address, settings.port()), host.name(), mxTls, null, sender,
                        recipients, message);
                if (a.results != null) {
                    return a.results;
                }
                failures.add(a.failure);
            }
        }
        if (!anyAddress && hosts.size() == 1 && hosts.getFirst().name().equals(domain.toLowerCase(Locale.ROOT))
                && failures.stream().allMatch(f -> f.endsWith("has no address"))) {
            // the implicit MX of a domain that has no address either: nowhere to deliver (RFC 5321 5.1)
            return all(recipients, new Outcome(RecipientResult.Status.PERMANENT, 0, "5.1.2",
                    "domain " + domain + " has no MX and no address records", null));
        }
        return all(recipients, temporary("no mail server of " + domain + " took the message: "
                + String.join("; ", failures), "4.4.1"));
    }

    private List<RecipientResult> toSmarthost(String sender, List<String> recipients, MessageContent message) {
        OutboundSettings.Smarthost relay = settings.smarthost();
        Route route = resolver.route(relay.host().contains(":") || relay.host().matches("[0-9.]+")
                ? "[" + relay.host() + "]" : relay.host());
        // the relay's own name: its A/AAAA records (an MX lookup would be wrong for a relay)
        MxHost host = route instanceof Route.Hosts h && h.hosts().getFirst().literal() != null
                ? h.hosts().getFirst() : new MxHost(relay.host(), 0, null);
        MxResolver.Addresses addresses = resolver.addresses(host);
        if (addresses.failure() != null || addresses.found().isEmpty()) {
            return all(recipients, temporary("smarthost " + relay.host() + ": "
                    + (addresses.failure() != null ? addresses.failure() : "no address"), "4.4.1"));
        }
        List<String> failures = new ArrayList<>();
        for (InetAddress address : addresses.found()) {
            Attempt a = attempt(new InetSocketAddress(address, relay.port()), relay.host(), relayTls, relay, sender,
                    recipients, message);
            if (a.results != null) {
                return a.results;
            }
            failures.add(a.failure);
        }
        return all(recipients, temporary("smarthost " + relay.host() + " did not take the message: "
                + String.join("; ", failures), "4.4.1"));
    }

    /** One session with one address: results when the transaction started, else why the host was skipped. */
    private record Attempt(List<RecipientResult> results, String failure) {}

    private Attempt attempt(InetSocketAddress address, String hostName, ClientTls tls, OutboundSettings.Smarthost relay,
                            String sender, List<String> recipients, MessageContent message) {
        try {
            return session(address, hostName, tls, relay, sender, recipients, message);
        } catch (TlsFailed e) {
            if (tls.policy() != TlsPolicy.OPPORTUNISTIC || relay != null && relay.user() != null) {
                return new Attempt(null, e.getMessage());
            }
            // opportunistic TLS that broke in the handshake: the same host again in plaintext (as Postfix does)
            log.info("{}; trying {} again without TLS", e.getMessage(), hostName);
            try {
                return session(address, hostName, ClientTls.none(), relay, sender, recipients, message);
            } catch (TlsFailed impossible) {
                return new Attempt(null, impossible.getMessage());
            }
        }
    }

    /** A STARTTLS handshake that failed: the session is gone. */
    private static final class TlsFailed extends Exception {
        TlsFailed(String message) {
            super(message);
        }
    }

    private Attempt session(InetSocketAddress address, String hostName, ClientTls tls, OutboundSettings.Smarthost relay,
                            String sender, List<String> recipients, MessageContent message) throws TlsFailed {
        String where = hostName + "[" + address.getAddress().getHostAddress() + "]";
        SmtpClient c;
        try {
            c = SmtpClient.connect(SmtpClient.Protocol.SMTP, address, hostName, client);
        } catch (SmtpClientException e) {
            return skip(e);
        } catch (IOException e) {
            return new Attempt(null, where + ": " + e.getMessage());
        }
        try (c) {
            c.hello(heloName);
            Optional<TlsInfo> negotiated;
            try {
                negotiated = c.startTls(tls);
            } catch (SmtpClientException e) {
                if (e.getMessage().contains("TLS handshake failed")) {
                    throw new TlsFailed(e.getMessage());
                }
                throw e;
            }
            negotiated.ifPresent(t -> log.debug("{}: {}", where, t));
            if (relay != null && relay.user() != null) {
                if (negotiated.isEmpty()) {
                    return new Attempt(null, where + ": no TLS, and credentials are never sent in plaintext");
                }
                ClientReply auth = c.authPlain(null, relay.user(), relay.password());
                if (!auth.isPositive()) {
                    return new Attempt(null, where + ": AUTH refused: " + auth);
                }
            }
            SendResult sent;
            try {
                sent = c.send(sender, recipients, message);
            } catch (SmtpClientException e) {
                // MAIL FROM may have gone out: this host's answer for now is "try later"
                return new Attempt(all(recipients, new Outcome(RecipientResult.Status.TEMPORARY, 0, "4.4.2",
                        e.getMessage(), where)), null);
            }
            quietly(c);
            log.info("{}: {}", where, sent.recipients().stream().map(r -> r.recipient() + " " + r.reply().code()).toList());
            return new Attempt(map(sent, where), null);
        } catch (SmtpClientException e) {
            return skip(e);
        } catch (IOException e) {
            return new Attempt(null, where + ": " + e.getMessage());
        }
    }

    private static Attempt skip(SmtpClientException e) {
        return new Attempt(null, e.getMessage());
    }

    private static void quietly(SmtpClient c) {
        try {
            c.quit();
        } catch (IOException e) {
            log.debug("QUIT: {}", e.getMessage());
        }
    }

    /** Reply to result: the diagnostic is the reply itself ("550 5.1.1 ..."), the DSN's Diagnostic-Code. */
    private static List<RecipientResult> map(SendResult sent, String remote) {
        List<RecipientResult> out = new ArrayList<>();
        for (SendResult.RecipientReply r : sent.recipients()) {
            ClientReply reply = r.reply();
            RecipientResult.Status status = r.delivered() ? RecipientResult.Status.DELIVERED
                    : reply.isTransient() ? RecipientResult.Status.TEMPORARY : RecipientResult.Status.PERMANENT;
            boolean local = r.stage() == SendResult.Stage.LOCAL; // the client's own refusal: no reply was received
            out.add(new RecipientResult(r.recipient(), status, local ? 0 : reply.code(), reply.enhanced(),
                    local ? reply.text() : reply.toString(), remote));
        }
        return out;
    }

    /** A result before mapping to a recipient. */
    private record Outcome(RecipientResult.Status status, int code, String enhanced, String diagnostic, String remote) {}

    private static Outcome temporary(String diagnostic, String enhanced) {
        return new Outcome(RecipientResult.Status.TEMPORARY, 0, enhanced, diagnostic, null);
    }

    private static List<RecipientResult> all(List<String> recipients, Outcome o) {
        return recipients.stream()
                .map(r -> new RecipientResult(r, o.status(), o.code(), o.enhanced(), o.diagnostic(), o.remote())).toList();
    }

    private static String domainOf(String recipient) {
        int at = recipient.lastIndexOf('@');
        return at < 0 ? "" : recipient.substring(at + 1).toLowerCase(Locale.ROOT);
    }
}
