package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.message.BinaryResult;
import org.mailslot.protocols.imap.message.FetchRenderer;
import org.mailslot.protocols.imap.message.ObjectIds;
import org.mailslot.protocols.imap.message.Slice;
import org.mailslot.protocols.imap.parse.FetchAttribute;
import org.mailslot.protocols.imap.parse.ImapRequest;
import org.mailslot.protocols.imap.parse.Partial;
import org.mailslot.protocols.imap.parse.SequenceSet;
import org.mailslot.protocols.imap.response.ResponseWriter;
import org.mailslot.protocols.imap.session.SelectedMailbox;
import org.mailslot.store.FlagOp;
import org.mailslot.store.MessageMeta;

import java.io.IOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * FETCH and UID FETCH (RFC 9051 6.4.5, 6.4.9; CONDSTORE CHANGEDSINCE and MODSEQ; QRESYNC VANISHED; BINARY RFC 3516;
 * OBJECTID).
 * A non-PEEK body fetch sets \Seen first (in one store call for the whole set) so that the same response can carry
 * the new FLAGS. A message that another session expunged but whose EXPUNGE this client has not been told yet is
 * left out, and the tagged answer is {@code NO [EXPUNGEISSUED]} (as Dovecot does): its body may already be gone.
 * Bodies are read per message only as far as the sections need ({@link FetchBody}): whole-message ranges stream
 * from the blob, top-level header sections come from the headers kept with the rows ({@link CachedHeaders}). A BINARY part that cannot be decoded is found before its message's line starts, so the line is
 * never half written.
 */
public final class FetchCommand {
    static final DateTimeFormatter INTERNALDATE = DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss Z", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private FetchCommand() {}

    public static void run(ImapSession s, ImapRequest.Fetch r) throws IOException {
        SelectedMailbox sel = s.selected();
        long[] uids = MessageSets.resolveOrBad(s, r.tag(), r.set(), r.uid());
        if (uids == null) {
            return;
        }
        if (r.vanished() && !s.qresync()) {
            s.bad(r.tag(), "VANISHED needs QRESYNC enabled first (ENABLE QRESYNC)");
            return;
        }
        List<FetchAttribute> attrs = new ArrayList<>(r.attributes());
        if (r.changedSince() >= 0 || attrs.stream().anyMatch(a -> a instanceof FetchAttribute.ModSeq)) {
            s.enableCondStore();
        }
        if (r.uid() && attrs.stream().noneMatch(a -> a instanceof FetchAttribute.Uid)) {
            attrs.addFirst(new FetchAttribute.Uid());
        }
        if (s.condStore() && r.changedSince() >= 0 && attrs.stream().noneMatch(a -> a instanceof FetchAttribute.ModSeq)) {
            attrs.add(new FetchAttribute.ModSeq());
        }
        Map<Long, MessageMeta> metas = MessageSets.load(s, uids);
        boolean setsSeen = !sel.readOnly() && attrs.stream().anyMatch(FetchCommand::setsSeen);
        if (setsSeen) {
            markSeen(s, uids, metas);
        }
        if (r.vanished() && !(r.set().saved() && s.savedSearch().length == 0)) {
            // RFC 7162 3.2.6: the expunged messages of the set come first, as one VANISHED (EARLIER)
            SequenceSet within = r.set().saved() ? SequenceSet.of(s.savedSearch()) : r.set();
            Resync.vanishedEarlier(s, sel, r.changedSince(), within, Resync.highestUid(s, sel));
        }
        FetchRenderer renderer = new FetchRenderer(s.settings().message());
        CachedHeaders headers = new CachedHeaders(s.store(), sel.mailboxId(), uids); // read only if a section needs one
        ResponseWriter out = s.out();
        boolean missing = false;
        String unknownCte = null;
        boolean flagsListed = attrs.stream().anyMatch(a -> a instanceof FetchAttribute.Flags);
        for (long uid : uids) {
            MessageMeta m = metas.get(uid);
            if (m == null) {
                missing = true;
                continue;
            }
            if (r.changedSince() >= 0 && m.modSeq() <= r.changedSince()) {
                continue;
            }
            int seq = sel.seq(uid);
            FetchBody body = new FetchBody(s.store(), m, renderer, headers);
            // decoded parts first: a part that cannot be decoded ends the command before its line starts
            BinaryResult[] binaries = new BinaryResult[attrs.size()];
            for (int i = 0; i < attrs.size() && unknownCte == null; i++) {
                FetchAttribute a = attrs.get(i);
                if (a instanceof FetchAttribute.Binary b && !b.part().isEmpty()) {
                    binaries[i] = body.decoded(b.part(), b.partial());
                } else if (a instanceof FetchAttribute.BinarySize b && !b.part().isEmpty()) {
                    binaries[i] = body.decoded(b.part(), null);
                }
                if (binaries[i] instanceof BinaryResult.UnknownEncoding u) {
                    unknownCte = u.encoding();
                }
            }
            if (unknownCte != null) {
                break;
            }
            boolean toldFlags = false;
            out.beginFetch(seq);
            for (int i = 0; i < attrs.size(); i++) {
                switch (attrs.get(i)) {
                    case FetchAttribute.Flags f -> {
                        out.item("FLAGS").flags(m.flags());
                        toldFlags = true;
                    }
                    case FetchAttribute.Uid u -> out.item("UID").number(m.uid());
                    case FetchAttribute.InternalDate d -> out.item("INTERNALDATE").string(INTERNALDATE.format(m.internalDate()));
                    case FetchAttribute.Rfc822Size z -> out.item("RFC822.SIZE").number(m.size());
                    case FetchAttribute.Envelope e -> out.item("ENVELOPE").prebuilt(m.envelope());
                    case FetchAttribute.Body b -> out.item("BODY").prebuilt(m.body());
                    case FetchAttribute.BodyStructure b -> out.item("BODYSTRUCTURE").prebuilt(m.bodyStructure());
                    case FetchAttribute.ModSeq q -> out.item("MODSEQ").open().number(m.modSeq()).close();
                    case FetchAttribute.EmailId e -> out.item("EMAILID").open().atom(ObjectIds.emailId(m.emailId())).close();
                    case FetchAttribute.ThreadId t -> out.item("THREADID").open().atom(ObjectIds.threadId(m.threadId())).close();
                    case FetchAttribute.BodySection b -> body.section(out.item(sectionName(b)), b);
                    case FetchAttribute.Binary b -> {
                        out.item("BINARY[" + part(b.part()) + "]" + partialName(b.partial()));
                        if (b.part().isEmpty()) {
                            body.binaryWhole(out, b.partial());
                        } else {
                            Slice slice = binaries[i] instanceof BinaryResult.Decoded d ? d.bytes() : Slice.EMPTY;
                            out.literal(slice.array(), slice.offset(), slice.length(), hasNul(slice));
                        }
                    }
                    case FetchAttribute.BinarySize b -> {
                        long size = b.part().isEmpty() ? m.size()
                                : binaries[i] instanceof BinaryResult.Decoded d ? d.bytes().length() : 0;
                        out.item("BINARY.SIZE[" + part(b.part()) + "]").number(size);
                    }
                }
            }
            if (setsSeen && !flagsListed && !sel.flags(seq).equals(m.flags())) {
                // RFC 9051 6.4.5: the implicit \Seen is reported in the same response
                out.item("FLAGS").flags(m.flags());
                toldFlags = true;
            }
            out.endFetch();
            if (toldFlags) {
                sel.told(uid, m.flags(), m.modSeq());
            }
        }
        if (unknownCte != null) {
            s.no(r.tag(), "UNKNOWN-CTE", "Cannot decode content-transfer-encoding " + unknownCte, "unknown-cte");
        } else if (missing) {
            s.no(r.tag(), "EXPUNGEISSUED", "Some of the requested messages no longer exist", "expunged");
        } else {
            s.ok(r.tag(), null, "FETCH completed");
        }
    }

    private static boolean setsSeen(FetchAttribute a) {
        return (a instanceof FetchAttribute.BodySection b && !b.peek())
                || (a instanceof FetchAttribute.Binary x && !x.peek());
    }

    private static void markSeen(ImapSession s, long[] uids, Map<Long, MessageMeta> metas) {
        List<Long> unseen = new ArrayList<>();
        for (long uid : uids) {
            MessageMeta m = metas.get(uid);
            if (m != null && !m.flags().contains("\\Seen")) {
                unseen.add(uid);
            }
        }
        if (unseen.isEmpty()) {
            return;
        }
        SelectedMailbox sel = s.selected();
        for (MessageMeta m : s.store().storeFlags(sel.mailboxId(), unseen, FlagOp.ADD, Set.of("\\Seen"))) {
            metas.put(m.uid(), m);
        }
        sel.changedHere();
    }

    private static String part(List<Integer> part) {
        StringBuilder sb = new StringBuilder();
        for (int p : part) {
            if (!sb.isEmpty()) {
                sb.append('.');
            }
            sb.append(p);
        }
        return sb.toString();
    }

    private static boolean hasNul(Slice s) {
        for (int i = s.offset(); i < s.offset() + s.length(); i++) {
            if (s.array()[i] == 0) {
                return true;
            }
        }
        return false;
    }

    private static String sectionName(FetchAttribute.BodySection b) {
        return b.legacyName() != null ? b.legacyName() : "BODY[" + b.section().wireName() + "]" + partialName(b.partial());
    }

    private static String partialName(Partial p) {
        return p == null ? "" : "<" + p.offset() + ">";
    }
}
