package org.mailslot.core.net;

/** How a listener offers TLS: not at all, upgraded by a command (STARTTLS, STLS), or from the first byte. */
public enum TlsMode { NONE, STARTTLS, IMPLICIT }
