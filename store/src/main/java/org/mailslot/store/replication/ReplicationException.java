package org.mailslot.store.replication;

import java.io.IOException;

/**
 * The replica refused something, or the link broke in a way the protocol names (an ERR or REFUSED frame, a peer that
 * failed authentication, logs that diverged). {@link #reason()} lets a master tell "needs a full resync" or "a newer
 * master exists" from a passing network failure, which is a plain {@link IOException}.
 */
public final class ReplicationException extends IOException {
    /** The ERR codes of {@link ReplicationProtocol}; the number is what travels. */
    public enum Reason {
        /** An ERR code this build does not know (a newer peer). */
        UNKNOWN(0),
        /** A frame that could not be parsed, of an unknown type, or not allowed at that point. */
        MALFORMED(1),
        /** A frame, batch or body over the receiver's limit. */
        TOO_LARGE(2),
        /** The peer does not know the cluster secret (or the TLS channel was not the same on both ends). */
        AUTH_FAILED(3),
        /** No protocol version in common. */
        VERSION(4),
        /** The handshake took longer than the replica allows. */
        TIMEOUT(5),
        /** The replica's log does not continue the master's: only a full resync can bring it back. */
        RESYNC_NEEDED(6),
        /** A body arrived with another SHA-256 than the one offered, or could not be stored. */
        BODY_REFUSED(7),
        /** The replica's store refused the batch (checksum, missing body, unknown columns, I/O). */
        APPLY_FAILED(8),
        /** The replica does not hold the slot as replica for this epoch: it knows a newer one, or another role. */
        REFUSED(9),
        /** The replica has too many links open. */
        BUSY(10),
        /** An unexpected fault on the replica; its log has the details. */
        INTERNAL(11);

        final int code;

        Reason(int code) {
            this.code = code;
        }

        static Reason of(int code) {
            for (Reason r : values()) {
                if (r.code == code) {
                    return r;
                }
            }
            return UNKNOWN;
        }
    }

    private final Reason reason;

    public ReplicationException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
