package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.message.MessageSource;
import org.mailslot.protocols.imap.message.SearchEvaluator;
import org.mailslot.protocols.imap.message.SearchResult;
import org.mailslot.protocols.imap.parse.SearchKey;
import org.mailslot.protocols.imap.parse.TextField;
import org.mailslot.protocols.imap.session.SelectedMailbox;
import org.mailslot.store.MessageMeta;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The messages of the session's view that a search key matches: what SEARCH, SORT and THREAD share. Messages
 * expunged by others but not yet announced keep their numbers in the view and never match.
 *
 * @param view          the view in sequence order (stand-ins without a body for expunged messages)
 * @param sequences     the matches' sequence numbers, ascending
 * @param uids          their UIDs, same order
 * @param highestModSeq the highest MODSEQ among the matches, 0 when none (RFC 7162 "(MODSEQ n)")
 * @param source        the messages' header bytes for keys that read them ({@link #source}), for SORT and THREAD too
 */
record SearchMatches(List<MessageMeta> view, int[] sequences, long[] uids, long highestModSeq, MessageSource source) {

    /** For SEARCH: the stored fields are read only when a key needs them. */
    static SearchMatches of(ImapSession s, SearchKey key) throws IOException {
        return of(s, key, readsStoredFields(key));
    }

    /**
     * @param stored read every message's stored fields (date, size, body) into the view; SORT and THREAD need them,
     *               a SEARCH by flags, UIDs, MODSEQ or full text does not, and on a large mailbox reading them costs
     *               more than the search itself
     */
    static SearchMatches of(ImapSession s, SearchKey key, boolean stored) throws IOException {
        SelectedMailbox sel = s.selected();
        if (hasModSeq(key)) {
            s.enableCondStore();
        }
        if (!stored) {
            s.sendUpdates(); // the view must know of every expunge so far (they stay pending: SEARCH uses numbers)
        }
        List<MessageMeta> view = stored ? storedView(s) : sessionView(s);
        long mailboxId = sel.mailboxId();
        MessageSource source = source(s, view);
        SearchEvaluator evaluator = new SearchEvaluator(s.settings().message(),
                (needle, field) -> s.store().searchText(mailboxId, needle,
                        field == TextField.BODY ? org.mailslot.store.TextField.BODY : org.mailslot.store.TextField.TEXT),
                source, s.context().clock(), ZoneOffset.UTC);
        SearchResult found = evaluator.search(key, view, s.savedSearch());
        int kept = 0;
        int[] seqs = new int[found.count()];
        long[] uids = new long[found.count()];
        long highest = 0;
        for (int i = 0; i < found.count(); i++) {
            MessageMeta m = view.get(found.sequences()[i] - 1);
            if (m.blobHash() != null) {
                seqs[kept] = found.sequences()[i];
                uids[kept] = found.uids()[i];
                highest = Math.max(highest, m.modSeq());
                kept++;
            }
        }
        return new SearchMatches(view, Arrays.copyOf(seqs, kept), Arrays.copyOf(uids, kept), highest, source);
    }

    /**
     * The stored bytes of the view's messages, for the keys that read a header: the headers the store keeps with the
     * rows, read a window at a time and only once a header key is evaluated ({@link CachedHeaders}), else the blob.
     */
    private static MessageSource source(ImapSession s, List<MessageMeta> view) {
        long[] uids = new long[view.size()];
        for (int i = 0; i < uids.length; i++) {
            uids[i] = view.get(i).uid();
        }
        return new CachedHeaders(s.store(), s.selected().mailboxId(), uids).source();
    }

    int count() {
        return sequences.length;
    }

    /**
     * The view in sequence order. Messages the client knows of but the store no longer shows (expunged, not yet
     * announced) are stand-ins without a body (blobHash null), dropped from the results.
     */
    private static List<MessageMeta> storedView(ImapSession s) {
        SelectedMailbox sel = s.selected();
        Map<Long, MessageMeta> byUid = new HashMap<>();
        for (MessageMeta m : s.store().summaries(sel.mailboxId())) { // no IMAP strings: most of a row's cost
            byUid.put(m.uid(), m);
        }
        List<MessageMeta> view = new ArrayList<>(sel.count());
        for (int seq = 1; seq <= sel.count(); seq++) {
            long uid = sel.uid(seq);
            MessageMeta m = byUid.get(uid);
            if (m == null || sel.expungePending(uid)) {
                m = new MessageMeta(sel.mailboxId(), uid, sel.modSeq(seq), sel.flags(seq), Instant.EPOCH, 0, null,
                        "NIL", "NIL", "NIL", 0, 0);
            }
            view.add(m);
        }
        return view;
    }

    /**
     * The view from what the session already holds (uid, flags, modseq): enough for keys that read nothing else.
     * Messages with an expunge pending are stand-ins without a body, as in {@link #storedView}; the caller brings
     * the view up to date first.
     */
    private static List<MessageMeta> sessionView(ImapSession s) {
        SelectedMailbox sel = s.selected();
        List<MessageMeta> view = new ArrayList<>(sel.count());
        for (int seq = 1; seq <= sel.count(); seq++) {
            long uid = sel.uid(seq);
            view.add(new MessageMeta(sel.mailboxId(), uid, sel.modSeq(seq), sel.flags(seq), Instant.EPOCH, 0,
                    sel.expungePending(uid) ? null : NOT_READ, "NIL", "NIL", "NIL", 0, 0));
        }
        return view;
    }

    /** The blob hash of a message in a session view: present, but not read (nothing in the search needs it). */
    private static final String NOT_READ = "";

    /**
     * Whether evaluating the key reads a message's date, size or ids, which only the rows have. Header keys read the
     * kept headers by UID (the SENT* dates too, but they fall back to the internal date, so they need the rows).
     */
    static boolean readsStoredFields(SearchKey key) {
        return switch (key) {
            case SearchKey.Size x -> true;
            case SearchKey.Age x -> true;
            case SearchKey.EmailId x -> true;
            case SearchKey.ThreadId x -> true;
            case SearchKey.Date x -> true;
            case SearchKey.Header x -> false; // read from the headers kept with the rows, see CachedHeaders
            case SearchKey.Not n -> readsStoredFields(n.key());
            case SearchKey.Or o -> readsStoredFields(o.left()) || readsStoredFields(o.right());
            case SearchKey.And a -> a.keys().stream().anyMatch(SearchMatches::readsStoredFields);
            case SearchKey.All x -> false;
            case SearchKey.Old x -> false;
            case SearchKey.New x -> false;
            case SearchKey.Recent x -> false;
            case SearchKey.Flag x -> false;
            case SearchKey.Text x -> false;
            case SearchKey.Uid x -> false;
            case SearchKey.Sequence x -> false;
            case SearchKey.ModSeq x -> false;
        };
    }

    static boolean hasModSeq(SearchKey key) {
        return switch (key) {
            case SearchKey.ModSeq m -> true;
            case SearchKey.Not n -> hasModSeq(n.key());
            case SearchKey.Or o -> hasModSeq(o.left()) || hasModSeq(o.right());
            case SearchKey.And a -> a.keys().stream().anyMatch(SearchMatches::hasModSeq);
            default -> false;
        };
    }
}
