package org.mailslot.protocols.imap;

import java.util.ArrayList;
import java.util.List;

/**
 * The CAPABILITY list, built from what the session implements: only what works is advertised. Before login the
 * list is short (as Dovecot's imap-login): STARTTLS while TLS is possible, and AUTH=PLAIN only where a password may
 * be sent (else LOGINDISABLED).
 */
final class Capabilities {
    /** Implemented and tested after login. */
    private static final List<String> AUTHENTICATED = List.of(
            "IMAP4rev1", "IMAP4rev2", "LITERAL+", "SASL-IR", "ID", "ENABLE", "IDLE", "NAMESPACE", "UNSELECT",
            "UIDPLUS", "MOVE", "CHILDREN", "SPECIAL-USE", "CREATE-SPECIAL-USE", "LIST-EXTENDED", "LIST-STATUS", "STATUS=SIZE",
            "MULTIAPPEND", "CONDSTORE", "QRESYNC", "ESEARCH", "SEARCHRES", "WITHIN", "SORT", "SORT=DISPLAY", "ESORT",
            "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES", "QUOTA", "QUOTA=RES-STORAGE",
            "UTF8=ACCEPT", "OBJECTID", "BINARY", "COMPRESS=DEFLATE");

    private Capabilities() {}

    static String list(ImapSession s) {
        List<String> caps = new ArrayList<>();
        if (s.state() == ImapState.NOT_AUTHENTICATED) {
            caps.addAll(List.of("IMAP4rev1", "IMAP4rev2", "LITERAL+", "SASL-IR", "ID", "ENABLE", "IDLE"));
            if (s.connection().canStartTls()) {
                caps.add("STARTTLS");
            }
            if (s.context().authenticator().mayAuthenticate(s.connection())) {
                caps.add("AUTH=PLAIN");
            } else {
                caps.add("LOGINDISABLED");
            }
        } else {
            caps.addAll(AUTHENTICATED);
            caps.add("APPENDLIMIT=" + s.settings().maxLiteralSize());
        }
        return String.join(" ", caps);
    }
}
