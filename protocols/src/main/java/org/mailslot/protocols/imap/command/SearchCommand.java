package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.message.SearchEvaluator;
import org.mailslot.protocols.imap.message.SearchResult;
import org.mailslot.protocols.imap.parse.ImapRequest;
import org.mailslot.protocols.imap.parse.ImapRequest.SearchReturn;
import org.mailslot.protocols.imap.parse.SearchKey;
import org.mailslot.protocols.imap.parse.TextField;
import org.mailslot.protocols.imap.session.SelectedMailbox;
import org.mailslot.protocols.imap.session.Wire;
import org.mailslot.store.MessageMeta;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * SEARCH and UID SEARCH (RFC 9051 6.4.4) with ESEARCH (RFC 4731), SEARCHRES (RFC 5182), CONDSTORE MODSEQ, WITHIN
 * and full text through the slot's index, evaluated by the message package over the session's view. Messages
 * expunged by others but not yet announced keep their numbers and never match.
 */
public final class SearchCommand {
    private SearchCommand() {}

    public static void run(ImapSession s, ImapRequest.Search r) throws IOException {
        SelectedMailbox sel = s.selected();
        if (hasModSeq(r.key())) {
            s.enableCondStore();
        }
        List<MessageMeta> view = view(s);
        long mailboxId = sel.mailboxId();
        SearchEvaluator evaluator = new SearchEvaluator(s.settings().message(),
                (needle, field) -> s.store().searchText(mailboxId, needle,
                        field == TextField.BODY ? org.mailslot.store.TextField.BODY : org.mailslot.store.TextField.TEXT),
                m -> m.blobHash() == null ? InputStream.nullInputStream() : s.store().openBody(m.blobHash()),
                s.context().clock(), ZoneOffset.UTC);
        SearchResult found = evaluator.search(r.key(), view, s.savedSearch());
        List<Long> uidList = new ArrayList<>();
        List<Long> seqList = new ArrayList<>();
        for (int i = 0; i < found.count(); i++) {
            if (view.get(found.sequences()[i] - 1).blobHash() != null) {
                uidList.add(found.uids()[i]);
                seqList.add((long) found.sequences()[i]);
            }
        }
        long[] numbers = (r.uid() ? uidList : seqList).stream().mapToLong(Long::longValue).toArray();
        boolean modSeq = hasModSeq(r.key()) && numbers.length > 0;
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

    /**
     * The view in sequence order. Messages the client knows of but the store no longer shows (expunged, not yet
     * announced) are stand-ins without a body (blobHash null), dropped from the results.
     */
    private static List<MessageMeta> view(ImapSession s) {
        SelectedMailbox sel = s.selected();
        Map<Long, MessageMeta> byUid = new HashMap<>();
        for (MessageMeta m : s.store().messages(sel.mailboxId())) {
            byUid.put(m.uid(), m);
        }
        List<MessageMeta> view = new ArrayList<>(sel.count());
        for (int seq = 1; seq <= sel.count(); seq++) {
            long uid = sel.uid(seq);
            MessageMeta m = byUid.get(uid);
            if (m == null || sel.expungePending(uid)) {
                m = new MessageMeta(sel.mailboxId(), uid, sel.modSeq(seq), sel.flags(seq), Instant.EPOCH, 0, null,
                        "NIL", "NIL", "NIL", 0);
            }
            view.add(m);
        }
        return view;
    }

    static boolean hasModSeq(SearchKey key) {
        return switch (key) {
            case SearchKey.ModSeq m -> true;
            case SearchKey.Not n -> hasModSeq(n.key());
            case SearchKey.Or o -> hasModSeq(o.left()) || hasModSeq(o.right());
            case SearchKey.And a -> a.keys().stream().anyMatch(SearchCommand::hasModSeq);
            default -> false;
        };
    }
}
