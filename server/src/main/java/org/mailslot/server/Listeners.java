package org.mailslot.server;

import io.micrometer.core.instrument.MeterRegistry;
import org.mailslot.core.net.Endpoint;
import org.mailslot.core.net.LineServer;
import org.mailslot.core.net.NetSettings;
import org.mailslot.core.net.SessionHandler;
import org.mailslot.core.net.TlsContext;
import org.mailslot.core.net.TlsMode;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The line-protocol listeners of one process, by service name, closed together (in reverse order of opening). */
final class Listeners implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Listeners.class);

    private final TlsContext tls;
    private final MeterRegistry meters;
    private final List<LineServer> servers = new ArrayList<>();
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    /** What {@link #openOn} opens on a VIP: every service listening so far, at the port it got. */
    private final List<Service> services = new ArrayList<>();
    private final Map<InetAddress, List<LineServer>> onVips = new HashMap<>();

    private record Service(String name, Endpoint endpoint, NetSettings net, SessionHandler handler) {}

    Listeners(TlsContext tls, MeterRegistry meters) {
        this.tls = tls;
        this.meters = meters;
    }

    /** Opens the service's listener when it has an endpoint configured; its name gets an "s" for implicit TLS. */
    Optional<LineServer> listen(ServiceConfig service, NetSettings net, SessionHandler handler) throws IOException {
        if (service.endpoint().isEmpty()) {
            return Optional.empty();
        }
        Endpoint endpoint = service.endpoint().get();
        String name = service.name() + (endpoint.tls() == TlsMode.IMPLICIT ? "s" : "");
        LineServer server = new LineServer(name, endpoint, net, tls, handler, meters).start();
        servers.add(server);
        endpoints.put(name, server.endpoint());
        services.add(new Service(name, server.endpoint(), net, handler));
        return Optional.of(server);
    }

    /**
     * A VIP came to this host: every service listens on it too, at the same port as on the node's own address (so
     * services must not listen on a wildcard address). A service that cannot bind is logged and skipped.
     */
    synchronized void openOn(InetAddress vip) {
        List<LineServer> opened = new ArrayList<>();
        for (Service s : services) {
            Endpoint at = new Endpoint(vip.getHostAddress(), s.endpoint().port(), s.endpoint().tls());
            try {
                opened.add(new LineServer(s.name(), at, s.net(), tls, s.handler(), meters).start());
            } catch (IOException e) {
                log.error("VIP {}: cannot listen for {} on {}: {} (do the services listen on a wildcard address?)",
                        vip.getHostAddress(), s.name(), at, e.getMessage());
            }
        }
        List<LineServer> old = onVips.put(vip, opened);
        if (old != null) {
            old.forEach(LineServer::close);
        }
        log.info("VIP {}: listening for {}", vip.getHostAddress(), opened.stream().map(LineServer::protocol).toList());
    }

    /** The VIP left this host: its listeners and their sessions close. */
    synchronized void closeOn(InetAddress vip) {
        List<LineServer> old = onVips.remove(vip);
        if (old != null) {
            old.reversed().forEach(LineServer::close);
            log.info("VIP {}: listeners closed", vip.getHostAddress());
        }
    }

    void record(String name, Endpoint endpoint) {
        endpoints.put(name, endpoint);
    }

    Map<String, Endpoint> endpoints() {
        return Map.copyOf(endpoints);
    }

    @Override
    public synchronized void close() {
        onVips.values().forEach(list -> list.reversed().forEach(LineServer::close));
        onVips.clear();
        for (LineServer s : servers.reversed()) {
            s.close();
        }
    }
}
