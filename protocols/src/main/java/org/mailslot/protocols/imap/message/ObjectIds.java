package org.mailslot.protocols.imap.message;

/**
 * The wire form of OBJECTID (RFC 8474) identifiers: EMAILID is {@code M} followed by the slot's numeric email id
 * (stable across COPY/MOVE); MAILBOXID is {@code F<id>V<uidvalidity>}, stable for the mailbox's life and never
 * reused; THREADID is {@code T} followed by the numeric thread id the store gave the message at append (from its
 * Message-ID, In-Reply-To and References, never changed afterwards; kept by COPY/MOVE like EMAILID), so FETCH never
 * answers {@code THREADID NIL}.
 */
public final class ObjectIds {
    private ObjectIds() {}

    public static String mailboxId(org.mailslot.store.Mailbox m) {
        return "F" + m.id() + "V" + m.uidValidity();
    }

    public static String emailId(long emailId) {
        return "M" + emailId;
    }

    public static String threadId(long threadId) {
        return "T" + threadId;
    }

    /** The numeric id of a wire EMAILID, or -1 if it is not one of ours. */
    public static long parseEmailId(String wire) {
        return parse('M', wire);
    }

    /** The numeric id of a wire THREADID, or -1 if it is not one of ours. */
    public static long parseThreadId(String wire) {
        return parse('T', wire);
    }

    private static long parse(char prefix, String wire) {
        if (wire == null || wire.length() < 2 || wire.charAt(0) != prefix || wire.length() > 20) {
            return -1;
        }
        for (int i = 1; i < wire.length(); i++) {
            if (wire.charAt(i) < '0' || wire.charAt(i) > '9') {
                return -1;
            }
        }
        try {
            return Long.parseLong(wire, 1, wire.length(), 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
