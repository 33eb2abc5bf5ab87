package org.mailslot.protocols.auth;

import org.mailslot.core.net.AuthThrottle;
import org.mailslot.core.net.Connection;
import org.mailslot.directory.Account;
import org.mailslot.directory.Directory;
import org.mailslot.directory.DirectoryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * Checks a login against the directory for every protocol, slowing down repeated failures per client address
 * and per account (the delay doubles with each failure), and writes one log line per failure.
 */
public final class Authenticator {
    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);

    private final Directory directory;
    private final AuthThrottle throttle;
    private final PlaintextAuth plaintext;
    private final ProxyToken proxy;

    public Authenticator(Directory directory, AuthThrottle throttle, PlaintextAuth plaintext) {
        this(directory, throttle, plaintext, null);
    }

    /** {@code proxy}: accept fronts' proxy logins signed with the cluster secret; null refuses them. */
    public Authenticator(Directory directory, AuthThrottle throttle, PlaintextAuth plaintext, ProxyToken proxy) {
        this.directory = directory;
        this.throttle = throttle;
        this.plaintext = plaintext;
        this.proxy = proxy;
    }

    /** Whether this connection may carry a password now (TLS, or plaintext allowed by configuration). */
    public boolean mayAuthenticate(Connection c) {
        return plaintext.allows(c);
    }

    /**
     * SASL PLAIN: a user's own login, or a front's proxy login for the account named by the authorization identity.
     * A proxy login is not throttled per address (the front throttled the client), but a bad token is logged as a
     * warning: a front with the wrong cluster secret, or someone guessing.
     */
    public Optional<Account> authenticate(Connection c, SaslPlain plain) {
        if (plain.authz().isEmpty()) {
            return authenticate(c, plain.user(), plain.password());
        }
        try {
            Optional<String> client = proxy != null && plain.proxyLogin()
                    ? proxy.verify(plain.authz(), plain.password()) : Optional.empty();
            if (client.isPresent()) {
                Optional<Account> account = directory.findAccount(plain.authz());
                if (account.isPresent()) {
                    forward(c, client.get());
                    return account;
                }
            }
        } catch (DirectoryException e) {
            if (e.reason() == DirectoryException.Reason.UNAVAILABLE) {
                throw e;
            }
        } finally {
            Arrays.fill(plain.password(), '\0');
        }
        Duration delay = throttle.failed("ip:" + c.remote().getAddress().getHostAddress(), "user:" + plain.authz().toLowerCase());
        c.metrics().error("auth");
        log.warn("{} {} proxy login as '{}' by '{}' from {} refused ({}), waiting {} ms", c.metrics().protocol(), c.id(),
                printable(plain.authz()), printable(plain.user()), c.remote().getAddress().getHostAddress(),
                proxy == null ? "proxy logins are off: no cluster.secret" : "bad token or unknown account", delay.toMillis());
        sleep(delay);
        return Optional.empty();
    }

    /**
     * The account for these credentials, or empty. On failure the caller's thread sleeps the throttle delay
     * before returning, so a guesser gets slower with every try. The password array is wiped.
     */
    public Optional<Account> authenticate(Connection c, String user, char[] password) {
        String addressKey = "ip:" + c.remote().getAddress().getHostAddress();
        String userKey = "user:" + user.toLowerCase();
        try {
            Optional<Account> account;
            try {
                account = directory.authenticate(user, password);
            } catch (DirectoryException e) {
                if (e.reason() == DirectoryException.Reason.UNAVAILABLE) {
                    throw e;
                }
                account = Optional.empty(); // malformed user name: same answer as a wrong password
            }
            if (account.isPresent()) {
                throttle.succeeded(userKey);
                return account;
            }
            Duration delay = throttle.failed(addressKey, userKey);
            c.metrics().error("auth");
            log.info("{} {} authentication failed for '{}' from {} (failure {} for this address, waiting {} ms)",
                    c.metrics().protocol(), c.id(), printable(user), c.remote().getAddress().getHostAddress(),
                    throttle.failures(addressKey), delay.toMillis());
            sleep(delay);
            return Optional.empty();
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** The session is now the client's the front relays for: logs and Received headers name it. */
    private static void forward(Connection c, String client) {
        int colon = client.lastIndexOf(':');
        try {
            String host = client.substring(0, colon);
            int port = Integer.parseInt(client.substring(colon + 1));
            log.info("{} {} proxy login from front {} for client {}", c.metrics().protocol(), c.id(),
                    c.remote().getAddress().getHostAddress(), printable(client));
            c.forwardedClient(new InetSocketAddress(java.net.InetAddress.ofLiteral(host.replace("[", "").replace("]", "")), port));
        } catch (RuntimeException e) {
            log.warn("{} {} proxy login names a client that is not an address: '{}'", c.metrics().protocol(), c.id(),
                    printable(client));
        }
    }

    private static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static void sleep(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
