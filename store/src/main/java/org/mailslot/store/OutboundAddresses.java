package org.mailslot.store;

import static org.mailslot.store.StoreException.Reason.INVALID;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/** Checks the envelope of a message being queued: the store keeps addresses as given, but never a broken one. */
final class OutboundAddresses {
    /** RFC 5321 4.5.3.1.3: a path is at most 256 octets including its angle brackets. */
    static final int MAX_LENGTH = 254;

    private OutboundAddresses() {}

    /** The recipients, each once in the order given; INVALID when there is none or one is not an address. */
    static List<String> recipients(List<String> recipients) {
        Objects.requireNonNull(recipients, "recipients");
        if (recipients.isEmpty()) {
            throw new StoreException(INVALID, "a queued message needs at least one recipient");
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String r : recipients) {
            check(r, "recipient");
            if (r.isEmpty()) {
                throw new StoreException(INVALID, "a recipient cannot be empty");
            }
            out.add(r);
        }
        return List.copyOf(out);
    }

    /** The envelope sender, "" for the null sender. */
    static String sender(String sender) {
        Objects.requireNonNull(sender, "sender");
        check(sender, "sender");
        return sender;
    }

    private static void check(String address, String what) {
        if (address == null) {
            throw new StoreException(INVALID, "a " + what + " cannot be null");
        }
        if (address.length() > MAX_LENGTH) {
            throw new StoreException(INVALID, what + " longer than " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < address.length(); i++) {
            char ch = address.charAt(i);
            if (ch < 0x20 || ch == 0x7f) {
                throw new StoreException(INVALID, what + " " + address.replaceAll("\\p{Cntrl}", "?")
                        + " contains a control character");
            }
        }
    }
}
