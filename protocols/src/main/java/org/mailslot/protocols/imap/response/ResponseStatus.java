package org.mailslot.protocols.imap.response;

/** Status response conditions (RFC 9051 7.1). */
public enum ResponseStatus { OK, NO, BAD, BYE, PREAUTH }
