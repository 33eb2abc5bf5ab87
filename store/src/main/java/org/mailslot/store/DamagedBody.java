package org.mailslot.store;

/**
 * A body that a copy's message rows name (a visible or expunged message; a tombstone needs none) and that the copy
 * cannot serve as stored: {@code size} is the rows' size of it. A scrub repairs it from the slot's other copy.
 */
public record DamagedBody(String hash, long size, Kind kind) {
    public enum Kind {
        /** No file under the hash's name. */
        MISSING,
        /** The file's bytes no longer hash to its name, or cannot be read. */
        CORRUPTED;

        /** Lower-case, for logs, events and metric tags: "missing", "corrupted". */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
