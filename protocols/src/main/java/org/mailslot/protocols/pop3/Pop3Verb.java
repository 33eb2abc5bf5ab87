package org.mailslot.protocols.pop3;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The command table: every verb this server knows and the states it is valid in. */
enum Pop3Verb {
    USER(Pop3State.AUTHORIZATION),
    PASS(Pop3State.AUTHORIZATION),
    AUTH(Pop3State.AUTHORIZATION),
    STLS(Pop3State.AUTHORIZATION),
    CAPA(Pop3State.AUTHORIZATION, Pop3State.TRANSACTION),
    QUIT(Pop3State.AUTHORIZATION, Pop3State.TRANSACTION),
    STAT(Pop3State.TRANSACTION),
    LIST(Pop3State.TRANSACTION),
    UIDL(Pop3State.TRANSACTION),
    RETR(Pop3State.TRANSACTION),
    TOP(Pop3State.TRANSACTION),
    DELE(Pop3State.TRANSACTION),
    RSET(Pop3State.TRANSACTION),
    NOOP(Pop3State.TRANSACTION);

    private final Set<Pop3State> states;

    Pop3Verb(Pop3State first, Pop3State... rest) {
        this.states = EnumSet.of(first, rest);
    }

    boolean allowedIn(Pop3State state) {
        return states.contains(state);
    }

    /** The verb for a client's keyword (case-insensitive), or null when unknown. */
    static Pop3Verb of(String keyword) {
        if (keyword.length() < 3 || keyword.length() > 4) {
            return null;
        }
        try {
            return valueOf(keyword.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
