package org.mailslot.directory;

/** A directory operation that could not be done; {@link #reason()} says why, the message names the thing. */
public final class DirectoryException extends RuntimeException {

    public enum Reason { EXISTS, NOT_FOUND, INVALID, NOT_EMPTY, UNAVAILABLE }

    private final Reason reason;

    public DirectoryException(Reason reason, String message) {
        this(reason, message, null);
    }

    DirectoryException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = java.util.Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }

    static DirectoryException exists(String what) {
        return new DirectoryException(Reason.EXISTS, what + " already exists");
    }

    static DirectoryException notFound(String what) {
        return new DirectoryException(Reason.NOT_FOUND, what + " does not exist");
    }

    static DirectoryException invalid(String sentence) {
        return new DirectoryException(Reason.INVALID, sentence);
    }
}
