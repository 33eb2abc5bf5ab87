package org.mailslot.cluster.dns;

/** Supplies the responder's data; called every {@code dns.refresh}, never on the answering path. */
@FunctionalInterface
public interface ZoneSource {

    /** The current data; a runtime exception keeps the responder on what it read last. */
    ZoneData load();
}
