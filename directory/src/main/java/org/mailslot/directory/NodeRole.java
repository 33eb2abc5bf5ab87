package org.mailslot.directory;

import java.util.Locale;

/** What a node does; one node may have several roles. Stored lower-case in {@code nodes.roles}. */
public enum NodeRole {
    /** Serves IMAP, POP3, SMTP, web and DNS to the outside; keeps no mail. */
    FRONT,
    /** Probes every service and pages the on-call engineers. */
    MONITOR,
    /** Holds slot copies: masters and replicas. */
    STORE;

    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** INVALID for anything but front, monitor or store (any case). */
    public static NodeRole parse(String text) {
        for (NodeRole role : values()) {
            if (role.text().equalsIgnoreCase(text == null ? "" : text.strip())) {
                return role;
            }
        }
        throw DirectoryException.invalid("node role " + (text == null ? "null" : Addresses.printable(text))
                + " is not one of front, monitor, store");
    }
}
