package org.mailslot.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Mailbox name rules: "/" separates levels, INBOX is case-insensitive, wildcards and controls refused. */
final class MailboxNames {
    static final String INBOX = "INBOX";
    static final char DELIMITER = '/';
    static final int MAX_LENGTH = 1000;

    private MailboxNames() {}

    static String normalize(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
            throw invalid(name);
        }
        if (name.charAt(0) == DELIMITER || name.charAt(name.length() - 1) == DELIMITER || name.contains("//")) {
            throw invalid(name);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '*' || c == '%') {
                throw invalid(name);
            }
        }
        if (name.length() >= 5 && name.substring(0, 5).toUpperCase(Locale.ROOT).equals(INBOX)
                && (name.length() == 5 || name.charAt(5) == DELIMITER)) {
            return INBOX + name.substring(5);
        }
        return name;
    }

    static boolean isInbox(String normalized) {
        return INBOX.equals(normalized);
    }

    /** The ancestors of a name, outermost first: "a/b/c" gives "a", "a/b". */
    static List<String> parents(String normalized) {
        List<String> out = new ArrayList<>();
        for (int i = normalized.indexOf(DELIMITER); i > 0; i = normalized.indexOf(DELIMITER, i + 1)) {
            out.add(normalized.substring(0, i));
        }
        return out;
    }

    private static StoreException invalid(String name) {
        return new StoreException(StoreException.Reason.INVALID, "invalid mailbox name: " + name);
    }
}
