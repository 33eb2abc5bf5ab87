package org.mailslot.core.net;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicInteger;

/** Connection, command, error and refusal counts of one protocol listener, tagged with the protocol's name. */
public final class ProtocolMetrics {
    private final MeterRegistry registry;
    private final String protocol;
    private final Counter connections;
    private final AtomicInteger active = new AtomicInteger();

    public ProtocolMetrics(MeterRegistry registry, String protocol) {
        this.registry = registry;
        this.protocol = protocol;
        this.connections = Counter.builder("mailslot.connections").description("connections accepted")
                .tag("protocol", protocol).register(registry);
        registry.gauge("mailslot.connections.active", java.util.List.of(io.micrometer.core.instrument.Tag.of("protocol", protocol)), active);
    }

    public String protocol() {
        return protocol;
    }

    void opened() {
        connections.increment();
        active.incrementAndGet();
    }

    void closed() {
        active.decrementAndGet();
    }

    public int activeConnections() {
        return active.get();
    }

    /** One command received, by verb (upper case, from a fixed set: never raw client input). */
    public void command(String verb) {
        registry.counter("mailslot.commands", "protocol", protocol, "command", verb).increment();
    }

    /** One error answered to a client, by kind (syntax, state, limit, auth, internal...). */
    public void error(String kind) {
        registry.counter("mailslot.errors", "protocol", protocol, "kind", kind).increment();
    }

    public void refusal(String reason) {
        registry.counter("mailslot.refusals", "protocol", protocol, "reason", reason).increment();
    }

    /** Messages delivered or retrieved, by outcome. */
    public void delivery(String outcome) {
        registry.counter("mailslot.deliveries", "protocol", protocol, "outcome", outcome).increment();
    }
}
