package org.mailslot.store;

/** A store operation that could not be done; {@link #reason()} says why in a form callers map to replies. */
public final class StoreException extends RuntimeException {
    /**
     * NOT_MASTER: this copy does not take that write (a replica, or a master that lost its lease or was replaced at a
     * higher epoch); the client should reconnect to the slot's current master.
     */
    public enum Reason { NOT_FOUND, EXISTS, INVALID, OVER_QUOTA, SPECIAL_USE, IO, NOT_MASTER }

    private final Reason reason;

    public StoreException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public StoreException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
