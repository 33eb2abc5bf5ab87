package org.mailslot.directory;

import java.time.Instant;

/** A login and mailbox owner. {@code quotaBytes} 0 means unlimited. */
public record Account(long id, String address, String domain, int slotId, long quotaBytes, Instant created) {}
