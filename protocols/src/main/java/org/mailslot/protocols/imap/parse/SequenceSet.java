package org.mailslot.protocols.imap.parse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A sequence set (RFC 9051 9, "sequence-set"), in message numbers or UIDs; "*" is the largest in use; "$" the saved
 * SEARCHRES result. A saved set has no ranges: the session substitutes the saved result before evaluating it.
 */
public record SequenceSet(List<Range> ranges, boolean saved) {

    /** "*": the largest number in use. */
    public static final long STAR = -1;

    /** A range from..to, either order allowed on the wire; STAR (-1) stands for "*". */
    public record Range(long from, long to) {
        public Range {
            if ((from < 1 && from != STAR) || (to < 1 && to != STAR)) {
                throw new IllegalArgumentException("sequence numbers are >= 1 or *: " + from + ":" + to);
            }
        }

        long low(long max) {
            return Math.min(resolve(from, max), resolve(to, max));
        }

        long high(long max) {
            return Math.max(resolve(from, max), resolve(to, max));
        }

        private static long resolve(long n, long max) {
            return n == STAR ? max : n;
        }
    }

    public SequenceSet {
        ranges = List.copyOf(ranges);
        if (saved && !ranges.isEmpty()) throw new IllegalArgumentException("a saved result ($) has no ranges");
        if (!saved && ranges.isEmpty()) throw new IllegalArgumentException("a sequence set needs at least one range");
    }

    /** "$". */
    public static SequenceSet savedResult() {
        return new SequenceSet(List.of(), true);
    }

    /** Single numbers (for tests and for building response sets). */
    public static SequenceSet of(long... numbers) {
        List<Range> r = new ArrayList<>(numbers.length);
        for (long n : numbers) r.add(new Range(n, n));
        return new SequenceSet(r, false);
    }

    /**
     * Whether n is in the set when the largest number in use is max ("*" = max; 5:* with max 3 means 3:5).
     *
     * @throws IllegalStateException for "$": the session must substitute the saved result first
     */
    public boolean contains(long n, long max) {
        requireResolved();
        for (Range r : ranges) {
            if (n >= r.low(max) && n <= r.high(max)) return true;
        }
        return false;
    }

    /**
     * The members that exist, ascending, given the numbers in use (ascending) — e.g. the mailbox's UIDs or 1..count.
     *
     * @throws IllegalStateException for "$": the session must substitute the saved result first
     */
    public long[] select(long[] inUse) {
        requireResolved();
        if (inUse.length == 0) return new long[0];
        long max = inUse[inUse.length - 1];
        if (ranges.size() == 1) {
            Range r = ranges.getFirst();
            int from = lowerBound(inUse, r.low(max));
            int to = lowerBound(inUse, r.high(max) + 1);
            return Arrays.copyOfRange(inUse, from, Math.max(from, to));
        }
        boolean[] hit = new boolean[inUse.length];
        int count = 0;
        for (Range r : ranges) {
            int from = lowerBound(inUse, r.low(max));
            long high = r.high(max);
            for (int i = from; i < inUse.length && inUse[i] <= high; i++) {
                if (!hit[i]) {
                    hit[i] = true;
                    count++;
                }
            }
        }
        long[] out = new long[count];
        int j = 0;
        for (int i = 0; i < inUse.length; i++) {
            if (hit[i]) out[j++] = inUse[i];
        }
        return out;
    }

    private void requireResolved() {
        if (saved) throw new IllegalStateException("the saved search result ($) must be substituted before use");
    }

    private static int lowerBound(long[] a, long key) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < key) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /** Wire form, e.g. "1:3,7,10:*". */
    @Override
    public String toString() {
        if (saved) return "$";
        StringBuilder sb = new StringBuilder();
        for (Range r : ranges) {
            if (!sb.isEmpty()) sb.append(',');
            append(sb, r.from());
            if (r.from() != r.to()) {
                sb.append(':');
                append(sb, r.to());
            }
        }
        return sb.toString();
    }

    private static void append(StringBuilder sb, long n) {
        if (n == STAR) sb.append('*');
        else sb.append(n);
    }
}
