package org.mailslot.server;

import io.micrometer.core.instrument.MeterRegistry;
import org.mailslot.core.net.Endpoint;
import org.mailslot.core.net.LineServer;
import org.mailslot.core.net.NetSettings;
import org.mailslot.core.net.SessionHandler;
import org.mailslot.core.net.TlsContext;
import org.mailslot.core.net.TlsMode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The line-protocol listeners of one process, by service name, closed together (in reverse order of opening). */
final class Listeners implements AutoCloseable {
    private final TlsContext tls;
    private final MeterRegistry meters;
    private final List<LineServer> servers = new ArrayList<>();
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();

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
        return Optional.of(server);
    }

    void record(String name, Endpoint endpoint) {
        endpoints.put(name, endpoint);
    }

    Map<String, Endpoint> endpoints() {
        return Map.copyOf(endpoints);
    }

    @Override
    public void close() {
        for (LineServer s : servers.reversed()) {
            s.close();
        }
    }
}
