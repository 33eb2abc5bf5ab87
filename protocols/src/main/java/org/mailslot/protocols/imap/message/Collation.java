package org.mailslot.protocols.imap.message;

import java.util.Locale;

/**
 * The comparison used by SEARCH substring matching, SORT and THREAD: close to RFC 5051 i;unicode-casemap but not
 * the whole of it: decoded text lower-cased with {@link Locale#ROOT} (no Unicode normalization or title-case
 * folding), then compared by UTF-16 code units. Stateless.
 */
final class Collation {
    private Collation() {}

    static String key(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
