package org.mailslot.core.net;

/** Where a listener binds and how it offers TLS. Port 0 picks a free port (tests). */
public record Endpoint(String host, int port, TlsMode tls) {
    @Override
    public String toString() {
        return host + ":" + port + (tls == TlsMode.IMPLICIT ? " (TLS)" : "");
    }
}
