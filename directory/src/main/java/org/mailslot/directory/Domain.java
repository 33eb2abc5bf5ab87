package org.mailslot.directory;

import java.time.Instant;

/** A hosted mail domain; {@code name} is lower-case ASCII (IDNs in their xn-- form). */
public record Domain(String name, Instant created) {}
