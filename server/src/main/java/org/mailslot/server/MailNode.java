package org.mailslot.server;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.mailslot.core.net.AuthThrottle;
import org.mailslot.core.net.Endpoint;
import org.mailslot.core.net.LineServer;
import org.mailslot.core.net.SessionHandler;
import org.mailslot.core.net.TlsContext;
import org.mailslot.core.net.TlsMode;
import org.mailslot.directory.Directory;
import org.mailslot.protocols.ProtocolContext;
import org.mailslot.server.control.ControlServer;
import org.mailslot.server.control.LocalSlotAdmin;
import org.mailslot.protocols.auth.Authenticator;
import org.mailslot.protocols.auth.ProxyToken;
import org.mailslot.protocols.delivery.StoreOutbox;
import org.mailslot.protocols.outbound.DkimSigner;
import org.mailslot.protocols.outbound.HostedTransport;
import org.mailslot.protocols.outbound.OutboundTransport;
import org.mailslot.protocols.outbound.QueueRunner;
import org.mailslot.protocols.outbound.RemoteTransport;
import org.mailslot.protocols.outbound.SplitTransport;
import org.mailslot.protocols.imap.ImapService;
import org.mailslot.protocols.pop3.Pop3Service;
import org.mailslot.protocols.smtp.SmtpMode;
import org.mailslot.protocols.smtp.SmtpService;
import org.mailslot.store.FaultInjectingSlotStore;
import org.mailslot.store.SlotStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.time.Instant;
import org.mailslot.directory.Node;
import org.mailslot.directory.Slot;
import org.mailslot.cluster.ClusterManager;
import org.mailslot.cluster.Scrubber;
import org.mailslot.cluster.SlotRoles;
import org.mailslot.store.replication.ReplicaLink;
import org.mailslot.store.replication.ReplicationClient;
import org.mailslot.store.replication.ReplicationServer;
import org.mailslot.store.replication.ReplicationSettings;
import java.net.InetSocketAddress;

/**
 * A running node: the directory connection, this node's slots, and a listener per configured service.
 * Started by {@link #start}, stopped by {@link #close} in the reverse order (listeners first, so no session
 * writes to a closed store).
 */
public final class MailNode implements RunningNode {
    private static final Logger log = LoggerFactory.getLogger(MailNode.class);

    private final NodeConfig config;
    private final Owned owned = new Owned();
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    private Listeners listeners;
    private Directory directory;
    private SlotStores stores;
    private SlotRoles roles;
    private ReplicationSettings replication;
    private TlsContext tls;

    private MailNode(NodeConfig config) {
        this.config = config;
    }

    public static MailNode start(NodeConfig config) throws IOException {
        MailNode node = new MailNode(config);
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
        directory = Directory.open(config.directory());
        owned.add(directory);
        directory.registerNode(config.nodeName(), config.cluster().address());
        if (directory.listSlots().stream().allMatch(s -> s.replicaNode() == null)) {
            directory.ensureSlots(config.nodeName(), config.slots()); // a single node: node.slots is its slot count
        } else if (directory.listSlots().size() < config.slots()) {
            log.info("node {}: the cluster's slots are placed by 'cluster init'; node.slots ({}) is not used",
                    config.nodeName(), config.slots());
        }
        stores = openStores();
        owned.add(stores);
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        startCluster(meters);
        owned.add(ControlServer.start(controlSocket(config), new LocalSlotAdmin(stores, false)));
        tls = tlsContext(config);
        listeners = new Listeners(tls, meters);

        // fronts log in on their clients' behalf with tokens made from the cluster secret
        ProxyToken proxyLogins = config.cluster().secret() == null ? null
                : new ProxyToken(config.cluster().secret(), Clock.systemUTC());
        Authenticator authenticator = new Authenticator(directory,
                new AuthThrottle(config.authFailureDelay(), config.authFailureDelayMax(), Clock.systemUTC()),
                config.plaintextAuth(), proxyLogins);
        ProtocolContext ctx = new ProtocolContext(config.hostname(), directory, new LocalSlotAccess(stores),
                authenticator, Clock.systemUTC());

        listen(config.smtpListen(), config.smtp().net(), new SmtpService(SmtpMode.MX, config.smtp(), ctx,
                new org.mailslot.protocols.delivery.Ingest(ctx), inboundChecks(config)), meters);
        QueueRunner queue = startQueue(ctx, meters);
        SmtpService submission = SmtpService.submission(config.submission(), ctx,
                new StoreOutbox(ctx, config.queue().lifetime(), config.submission().saveToSent(), queue::wake));
        listen(config.submissionListen(), config.submission().net(), submission, meters);
        listen(config.submissionTlsListen(), config.submission().net(), submission, meters);
        listen(config.lmtpListen(), config.lmtp().net(), new SmtpService(SmtpMode.LMTP, config.lmtp(), ctx), meters);
        // one service for both listeners: its maildrop locks must see sessions on either port
        Pop3Service pop3 = new Pop3Service(config.pop3(), ctx);
        listen(config.pop3Listen(), config.pop3().net(), pop3, meters);
        listen(config.pop3TlsListen(), config.pop3().net(), pop3, meters);
        // one service for both listeners: sessions-per-account and IDLE notifications span both ports
        ImapService imap = new ImapService(config.imap(), ctx);
        listen(config.imapListen(), config.imap().net(), imap, meters);
        listen(config.imapTlsListen(), config.imap().net(), imap, meters);
        Optional<Endpoint> metrics = config.metricsListen().endpoint();
        if (metrics.isPresent()) {
            MetricsEndpoint endpoint = new MetricsEndpoint(meters, metrics.get().host(), metrics.get().port());
            owned.add(endpoint);
            endpoints.put("metrics", new Endpoint(metrics.get().host(), endpoint.port(), TlsMode.NONE));
        }
        ScheduledExecutorService purger = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("purge").daemon().factory());
        owned.add(purger::shutdownNow);
        long every = config.purgeInterval().toMillis();
        purger.scheduleWithFixedDelay(this::purgeExpunged, every, every, TimeUnit.MILLISECONDS);
        log.info("node {} ready: {}", config.nodeName(), endpoints());
    }

    /**
     * Slot roles from the directory, re-read every {@code cluster.role-refresh}; with a cluster secret, the replication
     * listener through which this node's replica copies receive their masters' changes; the scrubs of the slots this
     * node masters, asked for or due, looked for at the same pace.
     */
    private void startCluster(PrometheusMeterRegistry meters) throws IOException {
        NodeConfig.Cluster cluster = config.cluster();
        replication = ReplicationSettings.defaults().withReplyTimeout(cluster.shipTimeout());
        roles = new SlotRoles(config.nodeName(), directory, stores, this::openLink, cluster.lease(),
                cluster.reconnect());
        owned.add(roles);
        roles.refresh();
        if (cluster.secret() != null) {
            TlsContext serverTls = cluster.replicationTls() ? tlsContext(config) : null;
            ReplicationServer server = new ReplicationServer(new InetSocketAddress(cluster.address(),
                    cluster.replicationPort()), secret(), serverTls, roles, replication).start();
            owned.add(server);
            endpoints.put("replication", new Endpoint(cluster.address(), server.port(),
                    serverTls == null ? TlsMode.NONE : TlsMode.IMPLICIT));
        }
        Scrubber scrubber = new Scrubber(directory, roles, stores, this::openLink, meters, config.scrubInterval(),
                java.time.Clock.systemUTC());
        owned.add(scrubber); // closed after the timer that feeds it
        ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("slot-roles").daemon().factory());
        owned.add(refresher::shutdownNow);
        long every = cluster.roleRefresh().toMillis();
        refresher.scheduleWithFixedDelay(() -> {
            try {
                roles.refresh();
                directory.nodeHeartbeat(config.nodeName(), Instant.now());
            } catch (RuntimeException e) {
                log.warn("reading the slot map failed, will retry in {}: {}", cluster.roleRefresh(), e.getMessage());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        refresher.scheduleWithFixedDelay(this::reportPositions, 1, POSITION_REPORT.toSeconds(), TimeUnit.SECONDS);
        refresher.scheduleWithFixedDelay(() -> {
            try {
                scrubber.tick();
            } catch (RuntimeException e) {
                log.warn("looking for scrubs to run failed, will retry in {}: {}", cluster.roleRefresh(), e.getMessage());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        if (cluster.automaticFailover()) {
            ClusterManager manager = new ClusterManager(config.nodeName(), directory, cluster.failoverAfter(),
                    cluster.roleRefresh().multipliedBy(4), java.time.Clock.systemUTC());
            refresher.scheduleWithFixedDelay(() -> {
                try {
                    manager.tick();
                } catch (RuntimeException e) {
                    log.warn("automatic failover round failed, will retry: {}", e.getMessage());
                }
            }, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** How often a node writes where its masters' copies stand (admin slot list's LAG). */
    private static final java.time.Duration POSITION_REPORT = java.time.Duration.ofSeconds(5);

    private void reportPositions() {
        try {
            for (SlotRoles.Position p : roles.positions()) {
                directory.reportCopy(p.slotId(), p.node(), p.seq(), p.lag().toMillis());
            }
        } catch (RuntimeException e) {
            log.warn("reporting replication positions failed: {}", e.getMessage());
        }
    }

    /** A replication link to the node holding a slot's replica, at the address the directory has for it. */
    private ReplicaLink openLink(String replicaNode, int slotId, long epoch) throws IOException {
        NodeConfig.Cluster cluster = config.cluster();
        if (cluster.secret() == null) {
            throw new IOException("cluster.secret is not set on node " + config.nodeName()
                    + ": it cannot ship to replicas");
        }
        String address = directory.listNodes().stream().filter(n -> n.name().equals(replicaNode)).findFirst()
                .map(Node::address).orElseThrow(() -> new IOException("node " + replicaNode + " is not in the directory"));
        // the handshake's proofs are bound to the TLS channel, so any certificate will do (see ReplicationClient)
        javax.net.ssl.SSLContext client = cluster.replicationTls() ? ReplicationClient.trustingAny() : null;
        return ReplicationClient.open(new InetSocketAddress(address, cluster.replicationPort()), slotId, epoch,
                config.nodeName(), secret(), client, replication);
    }

    private byte[] secret() {
        return config.cluster().secret().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Deletes expunged messages past {@code store.expunge-retention} in the slots this node masters, and their bodies. */
    void purgeExpunged() {
        try {
            Instant now = Instant.now();
            for (Slot slot : directory.listSlots()) {
                if (roles.masters(slot.id())) {
                    stores.slot(slot.id()).purgeExpunged(now);
                }
            }
        } catch (RuntimeException e) {
            log.warn("purging expunged messages failed, will retry in {}: {}", config.purgeInterval(), e.getMessage());
        }
    }

    private void listen(ServiceConfig service, org.mailslot.core.net.NetSettings net, SessionHandler handler,
                        PrometheusMeterRegistry meters) throws IOException {
        listeners.listen(service, net, handler);
    }

    /** Crash tests set MAILSLOT_TEST_CRASH_AT (after-blob-write, before-commit, after-commit) to halt mid-write. */
    private SlotStores openStores() {
        String crashAt = System.getenv("MAILSLOT_TEST_CRASH_AT");
        if (crashAt == null || crashAt.isBlank()) {
            return SlotStores.open(config.dataDir(), config.store());
        }
        FaultInjectingSlotStore.FaultPoint point = FaultInjectingSlotStore.FaultPoint.valueOf(crashAt.toUpperCase().replace('-', '_'));
        log.warn("MAILSLOT_TEST_CRASH_AT={}: this node halts at its first write that reaches {} (crash tests only)", crashAt, point);
        return SlotStores.withCrashPoint(config.dataDir(), config.store(), point);
    }

    /**
     * The queue runner of the slots this node masters: hosted recipients go to their slot's master over LMTP (the
     * cluster's LMTP port is this node's own), the others to their MX hosts (or the smarthost), DKIM-signed.
     */
    private QueueRunner startQueue(ProtocolContext ctx, PrometheusMeterRegistry meters) {
        Clock clock = Clock.systemUTC();
        org.mailslot.front.SlotRouter router = new org.mailslot.front.SlotRouter(directory, config.cluster().roleRefresh());
        owned.add(router);
        int lmtpPort = config.lmtpListen().endpoint().map(Endpoint::port).filter(p -> p > 0)
                .orElse(config.front().lmtpPort());
        org.mailslot.front.FrontSettings reach = new org.mailslot.front.FrontSettings(config.front().imapPort(),
                config.front().pop3Port(), config.front().submissionPort(), lmtpPort, config.front().connectTimeout(),
                config.front().masterWait(), config.front().refresh());
        OutboundTransport transport = new SplitTransport(directory::isHostedDomain,
                new HostedTransport(directory, new org.mailslot.front.mx.MasterDrop(router, reach, config.hostname(), clock), clock),
                new RemoteTransport(config.outbound(), new DkimSigner(directory::findDkimKey)));
        QueueRunner runner = new QueueRunner(config.queue(), () -> roles.masteredSlots().stream()
                .map(slot -> stores.slot(slot.id())).toList(), transport, config.hostname(), meters, clock).start();
        owned.add(runner);
        return runner;
    }

    /** SPF, DKIM, DMARC and spam checks for the MX, named after the MX's host name (also a front's). */
    static org.mailslot.protocols.smtp.inbound.InboundChecks inboundChecks(NodeConfig config) {
        String mx = config.smtp().hostname() != null ? config.smtp().hostname() : config.hostname();
        return new org.mailslot.protocols.smtp.inbound.InboundChecks(config.inbound(), mx);
    }

    /** The configured certificate, the self-signed one generated into the data directory, or null. */
    static TlsContext tlsContext(NodeConfig config) {
        NodeConfig.Tls t = config.tls();
        if (t.selfSigned()) {
            return TlsContext.selfSigned(config.dataDir().resolve("tls"), config.hostname());
        }
        if (t.certificate() != null) {
            return TlsContext.fromPem(t.certificate(), t.privateKey());
        }
        return null;
    }

    /** The node's control socket, through which {@code mailslot admin} reaches slots the node has open. */
    public static java.nio.file.Path controlSocket(NodeConfig config) {
        return config.dataDir().resolve("control.sock");
    }

    /** Every listening service by name (smtp, submission, submissions, lmtp, pop3, pop3s, imap, imaps, metrics). */
    @Override
    public Map<String, Endpoint> endpoints() {
        Map<String, Endpoint> all = new LinkedHashMap<>(listeners == null ? Map.of() : listeners.endpoints());
        all.putAll(endpoints);
        return Map.copyOf(all);
    }

    public Endpoint endpoint(String service) {
        return endpoints().get(service);
    }

    public Directory directory() {
        return directory;
    }

    public SlotStores stores() {
        return stores;
    }

    @Override
    public TlsContext tls() {
        return tls;
    }

    @Override
    public java.nio.file.Path certificateFile() {
        NodeConfig.Tls t = config.tls();
        return t.certificate() != null ? t.certificate() : config.dataDir().resolve("tls").resolve("cert.pem");
    }

    @Override
    public void close() {
        if (listeners != null) {
            listeners.close();
        }
        owned.close();
        log.info("node {} stopped", config.nodeName());
    }
}
