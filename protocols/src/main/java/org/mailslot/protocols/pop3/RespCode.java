package org.mailslot.protocols.pop3;

/** Extended response codes (RFC 2449 section 8, RFC 3206) put before the text of an {@code -ERR}. */
enum RespCode {
    NONE(""),
    /** The credentials were refused, or may not be sent on this connection (RFC 3206). */
    AUTH("[AUTH] "),
    /** Another session holds the maildrop (RFC 2449). */
    IN_USE("[IN-USE] "),
    /** A passing fault: try again later (RFC 3206). */
    SYS_TEMP("[SYS/TEMP] "),
    /** A fault that retrying will not fix (RFC 3206). */
    SYS_PERM("[SYS/PERM] ");

    private final String prefix;

    RespCode(String prefix) {
        this.prefix = prefix;
    }

    String prefix() {
        return prefix;
    }
}
