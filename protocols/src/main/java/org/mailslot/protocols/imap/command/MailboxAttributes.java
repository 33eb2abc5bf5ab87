package org.mailslot.protocols.imap.command;

import org.mailslot.store.Mailbox;
import org.mailslot.store.SpecialUse;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Mailbox attributes for LIST, LSUB and SELECT's LIST response: children, special-use, subscription. */
final class MailboxAttributes {
    static final char DELIMITER = '/';

    private MailboxAttributes() {}

    static List<String> of(Mailbox m, List<Mailbox> all, boolean subscribed) {
        List<String> attrs = new ArrayList<>(3);
        attrs.add(hasChildren(m, all) ? "\\HasChildren" : "\\HasNoChildren");
        String use = specialUse(m.specialUse());
        if (use != null) {
            attrs.add(use);
        }
        if (subscribed && m.subscribed()) {
            attrs.add("\\Subscribed");
        }
        return attrs;
    }

    static boolean hasChildren(Mailbox m, List<Mailbox> all) {
        String prefix = m.name() + DELIMITER;
        for (Mailbox o : all) {
            if (o.name().startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** RFC 6154 attribute, or null. */
    static String specialUse(SpecialUse use) {
        return switch (use) {
            case NONE, INBOX -> null;
            case DRAFTS -> "\\Drafts";
            case SENT -> "\\Sent";
            case TRASH -> "\\Trash";
            case JUNK -> "\\Junk";
            case ARCHIVE -> "\\Archive";
        };
    }

    /** The special-use named by a CREATE (USE (...)) attribute, or null when mailslot has no such use. */
    static SpecialUse parse(String attribute) {
        return switch (attribute.toLowerCase(Locale.ROOT)) {
            case "\\drafts" -> SpecialUse.DRAFTS;
            case "\\sent" -> SpecialUse.SENT;
            case "\\trash" -> SpecialUse.TRASH;
            case "\\junk" -> SpecialUse.JUNK;
            case "\\archive" -> SpecialUse.ARCHIVE;
            default -> null;
        };
    }

    /** RFC 9051 6.3.9 wildcards: "*" matches anything, "%" anything but the delimiter. INBOX is case-insensitive. */
    static boolean matches(String pattern, String name) {
        if (name.equals("INBOX") || name.startsWith("INBOX/")) {
            if (pattern.length() >= 5 && pattern.substring(0, 5).equalsIgnoreCase("INBOX")) {
                pattern = "INBOX" + pattern.substring(5);
            }
        }
        return match(pattern, 0, name, 0);
    }

    private static boolean match(String p, int pi, String n, int ni) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*' || c == '%') {
                for (int k = ni; k <= n.length(); k++) {
                    if (match(p, pi + 1, n, k)) {
                        return true;
                    }
                    if (k < n.length() && c == '%' && n.charAt(k) == DELIMITER) {
                        return false;
                    }
                }
                return false;
            }
            if (ni >= n.length() || n.charAt(ni) != c) {
                return false;
            }
            pi++;
            ni++;
        }
        return ni == n.length();
    }

    /** A mailbox name given by the client: a trailing delimiter (CREATE "a/") is dropped. */
    static String clean(String name) {
        String n = name;
        while (n.length() > 1 && n.charAt(n.length() - 1) == DELIMITER) {
            n = n.substring(0, n.length() - 1);
        }
        return n;
    }
}
