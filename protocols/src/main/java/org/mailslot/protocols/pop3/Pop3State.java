package org.mailslot.protocols.pop3;

/** The session states of RFC 1939 section 3. */
enum Pop3State {
    /** Before login: USER, PASS, AUTH, STLS, CAPA, QUIT. */
    AUTHORIZATION,
    /** Logged in, the maildrop is locked and numbered. */
    TRANSACTION,
    /** After QUIT in TRANSACTION, while the deletions are made durable. */
    UPDATE
}
