package org.mailslot.protocols.imap.message;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.mailslot.store.MessageMeta;

/**
 * SORT (RFC 5256, with DISPLAYFROM/DISPLAYTO of RFC 5957). Sort values are computed once per message (the header
 * read once, and only when a criterion needs it), then compared; ties go to the lower sequence number.
 *
 * <ul>
 *   <li>ARRIVAL: internal date. SIZE: RFC822.SIZE.</li>
 *   <li>DATE: the Date: header as an instant; missing or unparsable: the internal date (RFC 5256).</li>
 *   <li>FROM/TO/CC: the local part (addr-mailbox) of the first address, "" when none.</li>
 *   <li>DISPLAYFROM/DISPLAYTO: the first address's decoded display name, else mailbox@host.</li>
 *   <li>SUBJECT: {@link BaseSubject}.</li>
 * </ul>
 * Strings compare with {@link Collation} (lower-cased, decoded). Stateless and thread-safe.
 */
public final class Sorter {
    private final MessageSettings settings;
    private final MessageSource source;

    public Sorter(MessageSettings settings, MessageSource source) {
        this.settings = settings;
        this.source = source;
    }

    /**
     * @param view      the session's messages in sequence order (sequence number = index + 1)
     * @param sequences the messages to sort (the SEARCH result), as sequence numbers
     * @param criteria  at least one
     * @return the same sequence numbers in sorted order (the session maps to UIDs for UID SORT)
     */
    public int[] sort(List<MessageMeta> view, int[] sequences, List<SortCriterion> criteria) {
        int n = sequences.length;
        boolean needsHeader = criteria.stream().anyMatch(c -> switch (c.key()) {
            case ARRIVAL, SIZE -> false;
            default -> true;
        });
        Object[][] keys = new Object[criteria.size()][];
        long[][] numbers = new long[criteria.size()][];
        for (int c = 0; c < criteria.size(); c++) {
            switch (criteria.get(c).key()) {
                case ARRIVAL, SIZE, DATE -> numbers[c] = new long[n];
                default -> keys[c] = new String[n];
            }
        }
        for (int j = 0; j < n; j++) {
            MessageMeta m = view.get(sequences[j] - 1);
            MessageHeaders h = needsHeader ? MessageHeaders.read(source, m, settings.maxHeaderBytes()) : null;
            for (int c = 0; c < criteria.size(); c++) {
                switch (criteria.get(c).key()) {
                    case ARRIVAL -> numbers[c][j] = m.internalDate().toEpochMilli();
                    case SIZE -> numbers[c][j] = m.size();
                    case DATE -> numbers[c][j] = sentMillis(h, m);
                    case SUBJECT -> keys[c][j] = BaseSubject.of(h.raw("subject")).key();
                    case FROM -> keys[c][j] = mailbox(h, "from");
                    case TO -> keys[c][j] = mailbox(h, "to");
                    case CC -> keys[c][j] = mailbox(h, "cc");
                    case DISPLAYFROM -> keys[c][j] = display(h, "from");
                    case DISPLAYTO -> keys[c][j] = display(h, "to");
                }
            }
        }
        Integer[] order = new Integer[n];
        for (int j = 0; j < n; j++) {
            order[j] = j;
        }
        Comparator<Integer> cmp = (a, b) -> {
            for (int c = 0; c < criteria.size(); c++) {
                int r = numbers[c] != null ? Long.compare(numbers[c][a], numbers[c][b])
                        : ((String) keys[c][a]).compareTo((String) keys[c][b]);
                if (r != 0) {
                    return criteria.get(c).reverse() ? -r : r;
                }
            }
            return Integer.compare(sequences[a], sequences[b]);
        };
        Arrays.sort(order, cmp);
        int[] out = new int[n];
        for (int j = 0; j < n; j++) {
            out[j] = sequences[order[j]];
        }
        return out;
    }

    static long sentMillis(MessageHeaders h, MessageMeta m) {
        OffsetDateTime sent = h.date();
        return sent != null ? sent.toInstant().toEpochMilli() : m.internalDate().toEpochMilli();
    }

    private static String mailbox(MessageHeaders h, String field) {
        Address a = Address.first(h.raw(field));
        return a == null ? "" : Collation.key(a.mailbox());
    }

    private static String display(MessageHeaders h, String field) {
        Address a = Address.first(h.raw(field));
        return a == null ? "" : Collation.key(a.display());
    }
}
