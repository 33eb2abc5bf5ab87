package org.mailslot.store;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Normalises and encodes IMAP flags: system flags in canonical spelling, keywords as given. */
final class Flags {
    static final String SEEN = "\\Seen";
    private static final Map<String, String> SYSTEM = Map.of(
            "\\seen", "\\Seen", "\\answered", "\\Answered", "\\flagged", "\\Flagged",
            "\\deleted", "\\Deleted", "\\draft", "\\Draft");
    private static final int MAX_KEYWORD = 256;

    private Flags() {}

    /** Canonical, sorted flags; \Recent is dropped (session state, not stored). */
    static TreeSet<String> normalize(Collection<String> flags) {
        TreeSet<String> out = new TreeSet<>();
        if (flags == null) {
            return out;
        }
        for (String f : flags) {
            if (f == null || f.isEmpty()) {
                throw new StoreException(StoreException.Reason.INVALID, "empty flag");
            }
            if (f.charAt(0) == '\\') {
                String lower = f.toLowerCase(Locale.ROOT);
                if (lower.equals("\\recent")) {
                    continue;
                }
                String canonical = SYSTEM.get(lower);
                if (canonical == null) {
                    throw new StoreException(StoreException.Reason.INVALID, "unknown system flag " + f);
                }
                out.add(canonical);
            } else {
                checkKeyword(f);
                out.add(f);
            }
        }
        return out;
    }

    private static void checkKeyword(String k) {
        if (k.length() > MAX_KEYWORD) {
            throw new StoreException(StoreException.Reason.INVALID, "keyword too long");
        }
        for (int i = 0; i < k.length(); i++) {
            char c = k.charAt(i);
            if (c <= ' ' || c >= 0x7f || "(){%*\"\\]".indexOf(c) >= 0) {
                throw new StoreException(StoreException.Reason.INVALID, "invalid keyword " + k);
            }
        }
    }

    static String encode(Set<String> normalized) {
        return String.join(" ", normalized);
    }

    static Set<String> decode(String stored) {
        if (stored == null || stored.isEmpty()) {
            return Set.of();
        }
        return Collections.unmodifiableSet(new LinkedHashSet<>(java.util.List.of(stored.split(" "))));
    }
}
