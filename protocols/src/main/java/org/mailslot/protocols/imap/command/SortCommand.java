package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.message.SortCriterion;
import org.mailslot.protocols.imap.message.Sorter;
import org.mailslot.protocols.imap.parse.ImapRequest;
import org.mailslot.protocols.imap.parse.ImapRequest.SearchReturn;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * SORT and UID SORT (RFC 5256, DISPLAYFROM/DISPLAYTO of RFC 5957) with the ESORT return options (RFC 5267: MIN and
 * MAX are the first and last message in sort order, ALL the whole order as a sequence set that only joins ascending
 * runs) and SAVE (RFC 5182). Matching is SEARCH's ({@link SearchMatches}); ordering is the message package's
 * {@link Sorter}.
 */
public final class SortCommand {
    private SortCommand() {}

    public static void run(ImapSession s, ImapRequest.Sort r) throws IOException {
        SearchMatches found = SearchMatches.of(s, r.key(), true);
        List<SortCriterion> criteria = r.criteria().stream()
                .map(c -> new SortCriterion(SortCriterion.Key.valueOf(c.key().name()), c.reverse()))
                .toList();
        int[] sorted = new Sorter(s.settings().message(), found.source())
                .sort(found.view(), found.sequences(), criteria);
        long[] numbers = new long[sorted.length];
        long[] uids = new long[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            uids[i] = found.view().get(sorted[i] - 1).uid();
            numbers[i] = r.uid() ? uids[i] : sorted[i];
        }
        boolean modSeq = SearchMatches.hasModSeq(r.key()) && numbers.length > 0;
        if (r.returns() == null) {
            SearchCommand.numbers(s, "SORT", numbers, modSeq ? found.highestModSeq() : -1);
            s.ok(r.tag(), null, "SORT completed");
            return;
        }
        Set<SearchReturn> wanted = r.returns().isEmpty() ? Set.of(SearchReturn.ALL) : r.returns();
        if (wanted.contains(SearchReturn.SAVE)) {
            s.savedSearch(saved(wanted, found.uids(), uids));
            if (wanted.size() == 1) {
                s.ok(r.tag(), null, "SORT completed, result saved");
                return;
            }
        }
        SearchCommand.esearch(s, r.tag(), r.uid(), wanted, numbers, modSeq ? found.highestModSeq() : -1);
        s.ok(r.tag(), null, "SORT completed");
    }

    /** RFC 5182 2.1: with only MIN and/or MAX, just those are saved; else every match (ascending UIDs). */
    private static long[] saved(Set<SearchReturn> wanted, long[] ascending, long[] sortedUids) {
        if (wanted.contains(SearchReturn.ALL) || wanted.contains(SearchReturn.COUNT) || sortedUids.length == 0
                || !(wanted.contains(SearchReturn.MIN) || wanted.contains(SearchReturn.MAX))) {
            return ascending;
        }
        long first = sortedUids[0];
        long last = sortedUids[sortedUids.length - 1];
        if (!wanted.contains(SearchReturn.MAX) || first == last) {
            return new long[] {first};
        }
        if (!wanted.contains(SearchReturn.MIN)) {
            return new long[] {last};
        }
        return first < last ? new long[] {first, last} : new long[] {last, first};
    }
}
