package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.response.ResponseWriter;
import org.mailslot.protocols.imap.parse.ImapRequest;
import org.mailslot.protocols.imap.parse.ImapRequest.SearchReturn;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * SEARCH and UID SEARCH (RFC 9051 6.4.4) with ESEARCH (RFC 4731), SEARCHRES (RFC 5182), CONDSTORE MODSEQ, WITHIN
 * and full text through the slot's index, evaluated by the message package over the session's view. Messages
 * expunged by others but not yet announced keep their numbers and never match.
 */
public final class SearchCommand {
    private SearchCommand() {}

    public static void run(ImapSession s, ImapRequest.Search r) throws IOException {
        SearchMatches found = SearchMatches.of(s, r.key());
        List<Long> uidList = new ArrayList<>(found.count());
        List<Long> seqList = new ArrayList<>(found.count());
        for (int i = 0; i < found.count(); i++) {
            uidList.add(found.uids()[i]);
            seqList.add((long) found.sequences()[i]);
        }
        long[] numbers = (r.uid() ? uidList : seqList).stream().mapToLong(Long::longValue).toArray();
        boolean modSeq = SearchMatches.hasModSeq(r.key()) && numbers.length > 0;
        Set<SearchReturn> returns = r.returns();
        if (returns == null && !s.rev2()) {
            numbers(s, "SEARCH", numbers, modSeq ? found.highestModSeq() : -1);
            s.ok(r.tag(), null, "SEARCH completed");
            return;
        }
        Set<SearchReturn> wanted = returns == null || returns.isEmpty() ? Set.of(SearchReturn.ALL) : returns;
        if (wanted.contains(SearchReturn.SAVE)) {
            long[] uids = uidList.stream().mapToLong(Long::longValue).toArray();
            if (!wanted.contains(SearchReturn.ALL) && !wanted.contains(SearchReturn.COUNT) && uids.length > 0) {
                // RFC 5182 2.1: with only MIN and/or MAX, just those are saved
                List<Long> kept = new ArrayList<>();
                if (wanted.contains(SearchReturn.MIN)) {
                    kept.add(uids[0]);
                }
                if (wanted.contains(SearchReturn.MAX) && (kept.isEmpty() || kept.getFirst() != uids[uids.length - 1])) {
                    kept.add(uids[uids.length - 1]);
                }
                if (!kept.isEmpty()) {
                    uids = kept.stream().mapToLong(Long::longValue).toArray();
                }
            }
            s.savedSearch(uids);
            if (wanted.size() == 1) {
                s.ok(r.tag(), null, "SEARCH completed, result saved");
                return;
            }
        }
        esearch(s, r.tag(), r.uid(), wanted, numbers, modSeq ? found.highestModSeq() : -1);
        s.ok(r.tag(), null, "SEARCH completed");
    }

    /** "* SEARCH n..." or "* SORT n..." with "(MODSEQ m)" unless modSeq is negative. */
    static void numbers(ImapSession s, String name, long[] numbers, long modSeq) throws IOException {
        ResponseWriter out = s.out();
        out.start().atom(name);
        for (long n : numbers) {
            out.number(n);
        }
        if (modSeq >= 0) {
            out.open().atom("MODSEQ").number(modSeq).close();
        }
        out.end();
    }

    /** The ESEARCH answer of SEARCH RETURN and SORT RETURN: MIN, MAX and ALL of the numbers in the order given. */
    static void esearch(ImapSession s, String tag, boolean uid, Set<SearchReturn> wanted, long[] numbers, long modSeq)
            throws IOException {
        boolean any = numbers.length > 0;
        s.out().esearch(tag, uid,
                any && wanted.contains(SearchReturn.MIN) ? numbers[0] : -1,
                any && wanted.contains(SearchReturn.MAX) ? numbers[numbers.length - 1] : -1,
                wanted.contains(SearchReturn.COUNT) ? numbers.length : -1,
                any && wanted.contains(SearchReturn.ALL) ? numbers : null,
                modSeq);
    }
}
