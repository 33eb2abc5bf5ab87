package org.mailslot.store.replication;

import java.io.IOException;

/** A frame the receiver cannot accept: it answers ERR with {@link #reason()} and closes the connection. */
final class ProtocolException extends IOException {
    private final ReplicationException.Reason reason;

    ProtocolException(ReplicationException.Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    ReplicationException.Reason reason() {
        return reason;
    }
}
