package org.mailslot.server;

import org.mailslot.core.config.ConfigException;
import org.mailslot.core.config.ConfigNode;
import org.mailslot.core.net.TlsMode;
import org.mailslot.directory.DirectorySettings;
import org.mailslot.directory.NodeRole;
import org.mailslot.front.FrontSettings;
import org.mailslot.cluster.dns.DnsSettings;
import org.mailslot.cluster.vip.VipSettings;
import org.mailslot.protocols.auth.PlaintextAuth;
import org.mailslot.protocols.imap.ImapSettings;
import org.mailslot.protocols.outbound.OutboundSettings;
import org.mailslot.protocols.outbound.QueueSettings;
import org.mailslot.protocols.pop3.Pop3Settings;
import org.mailslot.protocols.smtp.SmtpMode;
import org.mailslot.protocols.smtp.SmtpSettings;
import org.mailslot.protocols.smtp.inbound.InboundSettings;
import org.mailslot.store.StoreSettings;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The whole configuration of one node, read from {@code mailslot.yaml}. Every key is read here or in the
 * settings record of the part it configures, with its default and bounds; see docs/configuration.md.
 */
public record NodeConfig(
        String nodeName,
        String hostname,
        Path dataDir,
        int slots,
        DirectorySettings directory,
        StoreSettings store,
        java.time.Duration purgeInterval,
        Duration scrubInterval,
        Tls tls,
        PlaintextAuth plaintextAuth,
        Duration authFailureDelay,
        Duration authFailureDelayMax,
        SmtpSettings smtp, ServiceConfig smtpListen,
        SmtpSettings submission, ServiceConfig submissionListen, ServiceConfig submissionTlsListen,
        SmtpSettings lmtp, ServiceConfig lmtpListen,
        Pop3Settings pop3, ServiceConfig pop3Listen, ServiceConfig pop3TlsListen,
        ImapSettings imap, ServiceConfig imapListen, ServiceConfig imapTlsListen,
        QueueSettings queue,
        ServiceConfig metricsListen,
        Cluster cluster,
        java.util.Set<NodeRole> roles,
        FrontSettings front,
        VipSettings vip,
        DnsSettings dns,
        InboundSettings inbound,
        OutboundSettings outbound) {

    /** Whether this process is a front (a stateless proxy and MX) rather than a store node. */
    public boolean isFront() {
        return roles.contains(NodeRole.FRONT);
    }

    private static java.util.Set<NodeRole> roles(ConfigNode node) {
        java.util.Set<NodeRole> roles = java.util.EnumSet.noneOf(NodeRole.class);
        for (String text : node.strings("roles", java.util.List.of("store"))) {
            try {
                roles.add(NodeRole.parse(text));
            } catch (org.mailslot.directory.DirectoryException e) {
                throw new ConfigException("node.roles", e.getMessage());
            }
        }
        if (roles.contains(NodeRole.FRONT) && roles.contains(NodeRole.STORE)) {
            throw new ConfigException("node.roles", "a process is a front or a store node, not both: they serve the same"
                    + " ports; run two processes");
        }
        if (roles.isEmpty() || roles.equals(java.util.Set.of(NodeRole.MONITOR))) {
            throw new ConfigException("node.roles", "must include store or front");
        }
        return roles;
    }

    /** The {@code outbound} section; the HELO name defaults to node.hostname. */
    private static OutboundSettings outbound(ConfigNode o, String hostname) {
        OutboundSettings settings = OutboundSettings.from(o);
        return settings.heloName() == null ? settings.withHeloName(hostname) : settings;
    }

    /** The {@code front} section: how a front reaches the store nodes. */
    private static FrontSettings front(ConfigNode f) {
        FrontSettings d = FrontSettings.defaults();
        ConfigNode ports = f.section("store-ports");
        return new FrontSettings(ports.integer("imap", d.imapPort(), 1, 65535), ports.integer("pop3", d.pop3Port(), 1, 65535),
                ports.integer("submission", d.submissionPort(), 1, 65535), ports.integer("lmtp", d.lmtpPort(), 1, 65535),
                f.duration("connect-timeout", d.connectTimeout(), Duration.ofMillis(100), Duration.ofMinutes(1)),
                f.duration("master-wait", d.masterWait(), Duration.ZERO, Duration.ofMinutes(5)),
                f.duration("refresh", d.refresh(), Duration.ofMillis(100), Duration.ofMinutes(1)));
    }

    /**
     * Several store nodes: how peers reach this node ({@code address}, also its address in the directory), the
     * shared secret that authenticates replication links (null on a single node: no replication listener), and the
     * timing of role changes and shipping.
     */
    public record Cluster(String address, String secret, int replicationPort, boolean replicationTls,
                          Duration roleRefresh, Duration lease, Duration shipTimeout, Duration reconnect,
                          boolean automaticFailover, Duration failoverAfter) {
        /** Fewer characters than this make a guessable secret. */
        public static final int MIN_SECRET_CHARS = 16;
    }

    /** TLS: PEM files, or a self-signed certificate generated into the data directory. */
    public record Tls(Path certificate, Path privateKey, boolean selfSigned) {
        public boolean configured() {
            return selfSigned || certificate != null;
        }
    }

    private static Cluster cluster(ConfigNode c, String hostname, Tls tls) {
        String address = c.string("address", hostname);
        if (!address.matches("[a-zA-Z0-9:.\\[\\]-]{1,255}")) {
            throw new ConfigException("cluster.address", "must be a host name or IP address, got '" + address + "'");
        }
        String secret = c.string("secret", null);
        if (secret != null && secret.length() < Cluster.MIN_SECRET_CHARS) {
            throw new ConfigException("cluster.secret", "must be at least " + Cluster.MIN_SECRET_CHARS
                    + " characters (generate one with: openssl rand -base64 32)");
        }
        boolean replicationTls = c.bool("replication-tls", false);
        if (replicationTls && !tls.configured()) {
            throw new ConfigException("cluster.replication-tls", "needs tls.certificate or tls.self-signed");
        }
        Duration roleRefresh = c.duration("role-refresh", Duration.ofMillis(500), Duration.ofMillis(100),
                Duration.ofMinutes(1));
        Duration lease = c.duration("lease", Duration.ofSeconds(10), Duration.ofMillis(500), Duration.ofMinutes(10));
        if (lease.compareTo(roleRefresh.multipliedBy(3)) < 0) {
            throw new ConfigException("cluster.lease", "must be at least 3 x cluster.role-refresh (" + roleRefresh
                    + "), or one slow read of the directory stops writes");
        }
        boolean automatic = c.choice("failover", "manual", java.util.Set.of("manual", "automatic")).equals("automatic");
        Duration failoverAfter = c.duration("failover-after", Duration.ofSeconds(10), Duration.ofSeconds(1),
                Duration.ofHours(1));
        if (failoverAfter.compareTo(roleRefresh.multipliedBy(3)) < 0) {
            throw new ConfigException("cluster.failover-after", "must be at least 3 x cluster.role-refresh ("
                    + roleRefresh + "): heartbeats are written once per role refresh");
        }
        return new Cluster(address, secret, c.integer("replication-port", 2401, 1, 65535), replicationTls,
                roleRefresh, lease,
                c.duration("ship-timeout", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMinutes(5)),
                c.duration("reconnect", Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ofMinutes(5)),
                automatic, failoverAfter);
    }

    public static NodeConfig load(Path file) {
        ConfigNode root = ConfigNode.parse(file);
        NodeConfig config = read(root, file.toAbsolutePath().getParent());
        root.rejectUnknownKeys();
        return config;
    }

    /** Reads every key; {@code base} resolves relative paths (the config file's folder). */
    public static NodeConfig read(ConfigNode root, Path base) {
        try {
            return readChecked(root, base);
        } catch (IllegalArgumentException e) {
            // settings records check cross-key rules themselves and start their message with the key
            throw ConfigException.fromSettings(e);
        }
    }

    private static NodeConfig readChecked(ConfigNode root, Path base) {
        ConfigNode node = root.section("node");
        String nodeName = node.string("name", "node1");
        if (!nodeName.matches("[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}")) {
            throw new ConfigException("node.name", "must be letters, digits, '.', '_' or '-' (at most 63), got '" + nodeName + "'");
        }
        String hostname = node.string("hostname", "localhost");
        if (!hostname.matches("[a-zA-Z0-9]([a-zA-Z0-9.-]{0,252})")) {
            throw new ConfigException("node.hostname", "must be a host name, got '" + hostname + "'");
        }
        Path dataDir = resolve(base, node.path("data-dir", Path.of("data")));
        int slots = node.integer("slots", 16, 1, 4096);

        ConfigNode dir = root.section("directory");
        String url = dir.string("url", "jdbc:sqlite:" + dataDir.resolve("directory.db"));
        if (!url.startsWith("jdbc:sqlite:") && !url.startsWith("jdbc:postgresql:")) {
            throw new ConfigException("directory.url", "must be a jdbc:sqlite: or jdbc:postgresql: URL, got '" + url + "'");
        }
        DirectorySettings defaults = DirectorySettings.defaults(url);
        ConfigNode argon = dir.section("argon2");
        DirectorySettings directory = new DirectorySettings(url,
                dir.string("user", null), dir.string("password", null),
                dir.integer("pool-size", defaults.poolSize(), DirectorySettings.MIN_POOL_SIZE, DirectorySettings.MAX_POOL_SIZE),
                argon.integer("memory-kib", defaults.argon2MemoryKib(), DirectorySettings.MIN_ARGON2_MEMORY_KIB, DirectorySettings.MAX_ARGON2_MEMORY_KIB),
                argon.integer("iterations", defaults.argon2Iterations(), 1, DirectorySettings.MAX_ARGON2_ITERATIONS),
                argon.integer("parallelism", defaults.argon2Parallelism(), 1, DirectorySettings.MAX_ARGON2_PARALLELISM),
                dir.string("recipient-delimiter", defaults.recipientDelimiter()),
                dir.bool("rehash-on-login", defaults.rehashOnLogin()));

        ConfigNode st = root.section("store");
        StoreSettings storeDefaults = StoreSettings.defaults();
        StoreSettings store = new StoreSettings(
                st.duration("expunge-retention", storeDefaults.expungeRetention(), Duration.ZERO, StoreSettings.MAX_RETENTION),
                st.integer("max-batch", storeDefaults.maxBatch(), 1, StoreSettings.MAX_BATCH),
                st.integer("fts-ram-buffer-mb", storeDefaults.ftsRamBufferMb(), 1, StoreSettings.MAX_FTS_RAM_BUFFER_MB),
                st.duration("fts-commit-interval", storeDefaults.ftsCommitInterval(), StoreSettings.MIN_FTS_DURATION, StoreSettings.MAX_FTS_DURATION),
                st.integer("fts-max-indexed-chars", storeDefaults.ftsMaxIndexedChars(), StoreSettings.MIN_FTS_INDEXED_CHARS, StoreSettings.MAX_FTS_INDEXED_CHARS),
                st.duration("fts-wait-timeout", storeDefaults.ftsWaitTimeout(), StoreSettings.MIN_FTS_DURATION, StoreSettings.MAX_FTS_DURATION));
        Duration purgeInterval = st.duration("purge-interval", Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofDays(1));
        Duration scrubInterval = st.duration("scrub-interval", Duration.ofHours(24), Duration.ofSeconds(1), Duration.ofDays(365));

        ConfigNode t = root.section("tls");
        Path cert = resolve(base, t.path("certificate", null));
        Path key = resolve(base, t.path("private-key", null));
        boolean selfSigned = t.bool("self-signed", false);
        if ((cert == null) != (key == null)) {
            throw new ConfigException(cert == null ? "tls.certificate" : "tls.private-key",
                    "tls.certificate and tls.private-key must be given together");
        }
        if (cert != null && selfSigned) {
            throw new ConfigException("tls.self-signed", "cannot be true when tls.certificate is given");
        }
        Tls tls = new Tls(cert, key, selfSigned);

        ConfigNode auth = root.section("auth");
        PlaintextAuth plaintext = PlaintextAuth.of(auth.choice("plaintext", "never", PlaintextAuth.NAMES));

        ConfigNode smtpNode = root.section("smtp");
        ConfigNode subNode = root.section("submission");
        ConfigNode lmtpNode = root.section("lmtp");
        ConfigNode popNode = root.section("pop3");
        ConfigNode imapNode = root.section("imap");
        ConfigNode metricsNode = root.section("metrics");
        TlsMode startTls = tls.configured() ? TlsMode.STARTTLS : TlsMode.NONE;
        Duration failureDelay = auth.duration("failure-delay", Duration.ofSeconds(2), Duration.ZERO, Duration.ofMinutes(1));
        Duration failureDelayMax = auth.duration("failure-delay-max", Duration.ofSeconds(30), Duration.ZERO, Duration.ofMinutes(10));
        NodeConfig config = new NodeConfig(nodeName, hostname, dataDir, slots, directory, store, purgeInterval, scrubInterval, tls, plaintext,
                failureDelay, failureDelayMax,
                SmtpSettings.from(smtpNode, SmtpMode.MX), ServiceConfig.read(smtpNode, "smtp", "listen", "0.0.0.0:25", startTls),
                SmtpSettings.from(subNode, SmtpMode.SUBMISSION), ServiceConfig.read(subNode, "submission", "listen", "0.0.0.0:587", startTls),
                ServiceConfig.read(subNode, "submission", "listen-tls", tls.configured() ? "0.0.0.0:465" : "", TlsMode.IMPLICIT),
                SmtpSettings.from(lmtpNode, SmtpMode.LMTP), ServiceConfig.read(lmtpNode, "lmtp", "listen", "127.0.0.1:24", TlsMode.NONE),
                Pop3Settings.from(popNode), ServiceConfig.read(popNode, "pop3", "listen", "0.0.0.0:110", startTls),
                ServiceConfig.read(popNode, "pop3", "listen-tls", tls.configured() ? "0.0.0.0:995" : "", TlsMode.IMPLICIT),
                ImapSettings.from(imapNode), ServiceConfig.read(imapNode, "imap", "listen", "0.0.0.0:143", startTls),
                ServiceConfig.read(imapNode, "imap", "listen-tls", tls.configured() ? "0.0.0.0:993" : "", TlsMode.IMPLICIT),
                QueueSettings.from(root.section("queue")),
                ServiceConfig.read(metricsNode, "metrics", "listen", "127.0.0.1:9325", TlsMode.NONE),
                cluster(root.section("cluster"), hostname, tls),
                roles(node), front(root.section("front")), VipSettings.from(root.section("vip")),
                DnsSettings.from(root.section("dns")),
                InboundSettings.from(root.section("inbound")),
                outbound(root.section("outbound"), hostname));
        config.requireTlsWhereNeeded();
        if (config.isFront() && config.cluster().secret() == null) {
            throw new ConfigException("cluster.secret", "a front logs in to the store nodes with it: set the same secret as theirs");
        }
        return config;
    }

    private void requireTlsWhereNeeded() {
        if (!tls.configured()) {
            if (submissionTlsListen.endpoint().isPresent()) {
                throw new ConfigException("submission.listen-tls", "implicit TLS needs tls.certificate and tls.private-key (or tls.self-signed: true)");
            }
            if (pop3TlsListen.endpoint().isPresent()) {
                throw new ConfigException("pop3.listen-tls", "implicit TLS needs tls.certificate and tls.private-key (or tls.self-signed: true)");
            }
            if (imapTlsListen.endpoint().isPresent()) {
                throw new ConfigException("imap.listen-tls", "implicit TLS needs tls.certificate and tls.private-key (or tls.self-signed: true)");
            }
        }
    }

    private static Path resolve(Path base, Path p) {
        return p == null || p.isAbsolute() || base == null ? p : base.resolve(p).normalize();
    }
}
