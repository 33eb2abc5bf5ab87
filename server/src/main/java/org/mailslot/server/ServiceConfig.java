package org.mailslot.server;

import org.mailslot.core.config.ConfigException;
import org.mailslot.core.config.ConfigNode;
import org.mailslot.core.net.Endpoint;
import org.mailslot.core.net.TlsMode;

import java.util.Optional;

/** Where one service listens: {@code listen: "host:port"}; an empty value turns the listener off. */
record ServiceConfig(String name, Optional<Endpoint> endpoint) {

    static ServiceConfig read(ConfigNode section, String service, String key, String defaultListen, TlsMode tls) {
        String value = section.string(key, defaultListen);
        String fullKey = service + "." + key;
        if (value == null || value.isBlank()) {
            return new ServiceConfig(service, Optional.empty());
        }
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new ConfigException(fullKey, "must be host:port, like 0.0.0.0:25 or 127.0.0.1:2525, got '" + value + "'");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException(fullKey, "port must be a number, got '" + value.substring(colon + 1) + "'");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException(fullKey, "port must be between 0 and 65535, got " + port);
        }
        return new ServiceConfig(service, Optional.of(new Endpoint(host, port, tls)));
    }
}
