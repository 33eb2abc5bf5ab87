package org.mailslot.protocols.imap;

/** What the session must know about a command beyond its handler (as Dovecot's imap-commands.c flags). */
public enum CommandFlag {
    /**
     * The command's arguments or answers use message sequence numbers, so no EXPUNGE may be sent while answering
     * it (RFC 9051 7.5.1: FETCH, STORE, SEARCH; SORT and THREAD alike). UID forms do not have this flag.
     */
    USES_SEQS,
    /** The command may remove messages, so the sequence numbers change (EXPUNGE, MOVE, CLOSE). */
    BREAKS_SEQS
}
