package org.mailslot.server;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.mailslot.core.net.AuthThrottle;
import org.mailslot.core.net.Endpoint;
import org.mailslot.core.net.TlsContext;
import org.mailslot.core.net.TlsMode;
import org.mailslot.cluster.dns.DirectoryZoneSource;
import org.mailslot.cluster.dns.DnsResponder;
import org.mailslot.cluster.vip.IpManager;
import org.mailslot.cluster.vip.LinuxIpManager;
import org.mailslot.cluster.vip.LoopbackIpManager;
import org.mailslot.cluster.vip.VipAgent;
import org.mailslot.cluster.vip.VipSettings;
import org.mailslot.directory.Directory;
import org.mailslot.directory.DirectoryException;
import org.mailslot.directory.NodeRole;
import org.mailslot.front.SlotRouter;
import org.mailslot.front.mx.MasterDrop;
import org.mailslot.front.proxy.FrontHandoff;
import org.mailslot.protocols.ProtocolContext;
import org.mailslot.protocols.SlotUnavailableException;
import org.mailslot.protocols.auth.Authenticator;
import org.mailslot.protocols.auth.ProxyToken;
import org.mailslot.protocols.imap.ImapService;
import org.mailslot.protocols.pop3.Pop3Service;
import org.mailslot.protocols.smtp.SmtpMode;
import org.mailslot.protocols.smtp.SmtpService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A running front (DESIGN.md section 6): keeps no mail. Its MX hands messages to the slots' masters over LMTP; its
 * IMAP, POP3 and submission services check the client's login against the directory (throttled per address and per
 * account) and then relay the session to the master of the account's slot.
 */
public final class FrontNode implements RunningNode {
    private static final Logger log = LoggerFactory.getLogger(FrontNode.class);

    private final NodeConfig config;
    private final Owned owned = new Owned();
    private Listeners listeners;
    private TlsContext tls;
    private VipAgent vips;

    private FrontNode(NodeConfig config) {
        this.config = config;
    }

    public static FrontNode start(NodeConfig config) throws IOException {
        FrontNode node = new FrontNode(config);
        try {
            node.open();
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    private void open() throws IOException {
        Files.createDirectories(config.dataDir());
        Directory directory = Directory.open(config.directory());
        owned.add(directory);
        register(directory);
        Clock clock = Clock.systemUTC();
        SlotRouter router = new SlotRouter(directory, config.front().refresh());
        owned.add(router);
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        tls = MailNode.tlsContext(config);
        listeners = new Listeners(tls, meters);

        Authenticator authenticator = new Authenticator(directory,
                new AuthThrottle(config.authFailureDelay(), config.authFailureDelayMax(), clock), config.plaintextAuth());
        FrontHandoff handoff = new FrontHandoff(router, new ProxyToken(config.cluster().secret(), clock), config.front(),
                config.hostname(), clock);
        ProtocolContext ctx = new ProtocolContext(config.hostname(), directory, account -> {
            throw new SlotUnavailableException(account.slotId(), "a front holds no slots");
        }, authenticator, clock, handoff);

        listeners.listen(config.smtpListen(), config.smtp().net(), new SmtpService(SmtpMode.MX, config.smtp(), ctx,
                new MasterDrop(router, config.front(), config.hostname(), clock), MailNode.inboundChecks(config)));
        SmtpService submission = new SmtpService(SmtpMode.SUBMISSION, config.submission(), ctx);
        listeners.listen(config.submissionListen(), config.submission().net(), submission);
        listeners.listen(config.submissionTlsListen(), config.submission().net(), submission);
        Pop3Service pop3 = new Pop3Service(config.pop3(), ctx);
        listeners.listen(config.pop3Listen(), config.pop3().net(), pop3);
        listeners.listen(config.pop3TlsListen(), config.pop3().net(), pop3);
        ImapService imap = new ImapService(config.imap(), ctx);
        listeners.listen(config.imapListen(), config.imap().net(), imap);
        listeners.listen(config.imapTlsListen(), config.imap().net(), imap);
        Optional<Endpoint> metrics = config.metricsListen().endpoint();
        if (metrics.isPresent()) {
            MetricsEndpoint endpoint = new MetricsEndpoint(meters, metrics.get().host(), metrics.get().port());
            owned.add(endpoint);
            listeners.record("metrics", new Endpoint(metrics.get().host(), endpoint.port(), TlsMode.NONE));
        }
        heartbeat(directory);
        startVips(directory, clock);
        if (config.dns().enabled()) {
            DnsResponder dns = new DnsResponder(config.dns(),
                    new DirectoryZoneSource(directory, config.vip().takeoverAfter(), clock)).start();
            owned.add(dns);
            listeners.record("dns", new Endpoint(config.dns().host(), dns.port(), TlsMode.NONE));
        }
        log.info("front {} ready: {}", config.nodeName(), listeners.endpoints());
    }

    /** Holds its share of the VIPs ({@code admin vip add}); every service listens on each VIP it holds. */
    private void startVips(Directory directory, Clock clock) {
        VipSettings vip = config.vip();
        IpManager ip = vip.ipManager().equals(VipSettings.LINUX) ? new LinuxIpManager() : new LoopbackIpManager();
        VipAgent agent = new VipAgent(directory, config.nodeName(), ip, vip, new VipAgent.Listener() {
            @Override
            public void acquired(InetAddress address) {
                listeners.openOn(address);
            }

            @Override
            public void released(InetAddress address) {
                listeners.closeOn(address);
            }
        }, clock).start();
        vips = agent;
        owned.add(agent);
    }

    /** The VIPs this front holds now. */
    public java.util.Set<InetAddress> vips() {
        return vips == null ? java.util.Set.of() : vips.held();
    }

    /** The front appears in the directory (admin node list, VIP ownership) with the front role. */
    private void register(Directory directory) {
        try {
            directory.addNode(config.nodeName(), config.cluster().address(), EnumSet.of(NodeRole.FRONT));
        } catch (DirectoryException e) {
            if (e.reason() != DirectoryException.Reason.EXISTS) {
                throw e;
            }
        }
    }

    private void heartbeat(Directory directory) {
        ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("front-heartbeat").daemon().factory());
        owned.add(beat::shutdownNow);
        long every = config.cluster().roleRefresh().toMillis();
        beat.scheduleWithFixedDelay(() -> {
            try {
                directory.nodeHeartbeat(config.nodeName(), Instant.now());
            } catch (RuntimeException e) {
                log.warn("front heartbeat failed, will retry: {}", e.getMessage());
            }
        }, 0, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public Map<String, Endpoint> endpoints() {
        return listeners == null ? Map.of() : listeners.endpoints();
    }

    @Override
    public TlsContext tls() {
        return tls;
    }

    @Override
    public Path certificateFile() {
        NodeConfig.Tls t = config.tls();
        return t.certificate() != null ? t.certificate() : config.dataDir().resolve("tls").resolve("cert.pem");
    }

    @Override
    public void close() {
        if (listeners != null) {
            listeners.close();
        }
        owned.close();
        log.info("front {} stopped", config.nodeName());
    }
}
