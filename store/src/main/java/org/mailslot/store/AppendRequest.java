package org.mailslot.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/** One message of a MULTIAPPEND: body, initial flags and keywords, INTERNALDATE. */
public record AppendRequest(MessageContent body, Set<String> flags, Instant internalDate) {
    public AppendRequest {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(internalDate, "internalDate");
        flags = flags == null ? Set.of() : Set.copyOf(flags);
    }
}
