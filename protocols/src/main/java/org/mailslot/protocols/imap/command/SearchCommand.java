package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.parse.ImapRequest;
import org.mailslot.protocols.imap.parse.ImapRequest.SearchReturn;
import org.mailslot.protocols.imap.session.Wire;

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
            StringBuilder sb = new StringBuilder("SEARCH");
            for (long n : numbers) {
                sb.append(' ').append(n);
            }
            if (modSeq) {
                sb.append(" (MODSEQ ").append(found.highestModSeq()).append(')');
            }
            s.untagged(sb.toString());
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
        StringBuilder sb = new StringBuilder("ESEARCH (TAG ").append(Wire.string(r.tag())).append(')');
        if (r.uid()) {
            sb.append(" UID");
        }
        if (numbers.length > 0) {
            if (wanted.contains(SearchReturn.MIN)) {
                sb.append(" MIN ").append(numbers[0]);
            }
            if (wanted.contains(SearchReturn.MAX)) {
                sb.append(" MAX ").append(numbers[numbers.length - 1]);
            }
            if (wanted.contains(SearchReturn.ALL)) {
                sb.append(" ALL ").append(Wire.numberSet(numbers));
            }
        }
        if (wanted.contains(SearchReturn.COUNT)) {
            sb.append(" COUNT ").append(numbers.length);
        }
        if (modSeq) {
            sb.append(" MODSEQ ").append(found.highestModSeq());
        }
        s.untagged(sb.toString());
        s.ok(r.tag(), null, "SEARCH completed");
    }
}
