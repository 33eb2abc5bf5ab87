package org.mailslot.front.proxy;

import org.mailslot.core.net.Connection;
import org.mailslot.directory.Account;
import org.mailslot.front.FrontSettings;
import org.mailslot.front.SlotRouter;
import org.mailslot.protocols.LoginHandoff;
import org.mailslot.protocols.SlotUnavailableException;
import org.mailslot.protocols.auth.ProxyToken;
import org.mailslot.protocols.auth.SaslPlain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;

/**
 * The front's {@link LoginHandoff}: finds the master of the account's slot, logs in there as the account with a
 * proxy token, and keeps trying (re-reading the slot map) while the master is refused, unreachable or moving, up to
 * {@code front.master-wait}: a switchover is then invisible to a client that is logging in.
 */
public final class FrontHandoff implements LoginHandoff {
    private static final Logger log = LoggerFactory.getLogger(FrontHandoff.class);
    private static final long RETRY_PAUSE_MS = 200;

    private final SlotRouter router;
    private final ProxyToken tokens;
    private final FrontSettings settings;
    private final String hostname;
    private final Clock clock;

    public FrontHandoff(SlotRouter router, ProxyToken tokens, FrontSettings settings, String hostname, Clock clock) {
        this.router = router;
        this.tokens = tokens;
        this.settings = settings;
        this.hostname = hostname;
        this.clock = clock;
    }

    @Override
    public Backend open(Protocol protocol, Account account, Connection client) {
        InetSocketAddress from = client.remote();
        return open(protocol, account, client.id(), from.getAddress().getHostAddress() + ":" + from.getPort());
    }

    /**
     * {@link #open(Protocol, Account, Connection)} for the client session {@code clientId} (log lines) at
     * {@code clientAddress} ("host:port", named in the proxy token).
     */
    Backend open(Protocol protocol, Account account, String clientId, String clientAddress) {
        Dialect dialect = Dialect.of(protocol);
        int slot = account.slotId();
        long deadline = clock.millis() + settings.masterWait().toMillis();
        Optional<SlotRouter.Route> route = router.route(slot);
        String lastProblem = "slot has no master";
        while (true) {
            if (route.isPresent()) {
                SlotRouter.Route r = route.get();
                BackendLink link = null;
                try {
                    link = BackendLink.connect(r.address(), dialect.port(settings), settings.connectTimeout());
                    String plain = SaslPlain.encode(account.address(), ProxyToken.PROXY_USER, tokens.issue(account.address(), clientAddress));
                    String reply = dialect.login(link, plain, hostname);
                    ProxiedSession session = new ProxiedSession(link, dialect, reply,
                            protocol.name().toLowerCase() + " " + clientId + " " + account.address() + " via " + r.node());
                    session.watch(router.watch(slot, r.epoch(), () -> session.abort("slot " + slot + " moved")));
                    return session;
                } catch (IOException e) {
                    lastProblem = r.node() + " (" + r.address() + "): " + e.getMessage();
                } catch (Dialect.Refused e) {
                    lastProblem = r.node() + " refused the proxy login: " + e.getMessage();
                    if (!e.retry) {
                        log.error("{} {}: {} (check that every node has the same cluster.secret)", protocol, clientId, lastProblem);
                        closeQuietly(link);
                        throw new SlotUnavailableException(slot, lastProblem);
                    }
                }
                closeQuietly(link);
            }
            if (clock.millis() >= deadline) {
                log.warn("{} {} {}: no master of slot {} answered within {}: {}", protocol, clientId,
                        account.address(), slot, settings.masterWait(), lastProblem);
                throw new SlotUnavailableException(slot, lastProblem);
            }
            pause();
            route = router.reroute(slot);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SlotUnavailableException(0, "interrupted");
        }
    }

    private static void closeQuietly(BackendLink link) {
        if (link != null) {
            link.close();
        }
    }
}
