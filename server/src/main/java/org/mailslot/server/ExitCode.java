package org.mailslot.server;

/** Exit codes scripts can rely on; also listed in {@code mailslot --help}. */
public final class ExitCode {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int NOT_FOUND = 3;
    public static final int EXISTS = 4;
    public static final int INVALID = 5;
    public static final int NOT_EMPTY = 6;
    public static final int UNAVAILABLE = 7;
    public static final int CONFIG = 8;

    private ExitCode() {
    }
}
