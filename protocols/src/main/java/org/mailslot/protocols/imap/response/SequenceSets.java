package org.mailslot.protocols.imap.response;

/** Compact sequence-set text for responses (ESEARCH ALL, COPYUID, VANISHED). */
public final class SequenceSets {
    private SequenceSets() {
    }

    /**
     * Runs of consecutive ascending numbers become ranges, in the order given (COPYUID pairs source and
     * destination sets by order): {1,2,3,5} is "1:3,5". Empty input gives "" (callers omit the item then).
     */
    public static String compact(long[] numbers) {
        StringBuilder sb = new StringBuilder(Math.min(numbers.length * 4, 1 << 16));
        int i = 0;
        while (i < numbers.length) {
            int j = i;
            while (j + 1 < numbers.length && numbers[j + 1] == numbers[j] + 1) j++;
            if (!sb.isEmpty()) sb.append(',');
            sb.append(numbers[i]);
            if (j > i) sb.append(':').append(numbers[j]);
            i = j + 1;
        }
        return sb.toString();
    }
}
