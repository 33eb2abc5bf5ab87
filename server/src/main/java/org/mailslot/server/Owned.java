package org.mailslot.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * What a running node opened, closed in the reverse order of opening (a part is closed before what it uses); a part
 * that fails to close is logged and the others still close.
 */
final class Owned implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Owned.class);

    private final List<AutoCloseable> parts = new ArrayList<>();

    <T extends AutoCloseable> T add(T part) {
        parts.add(part);
        return part;
    }

    @Override
    public void close() {
        for (AutoCloseable c : parts.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.getMessage());
            }
        }
        parts.clear();
    }
}
