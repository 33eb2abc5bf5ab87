package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.message.BinaryResult;
import org.mailslot.protocols.imap.message.FetchRenderer;
import org.mailslot.protocols.imap.message.ObjectIds;
import org.mailslot.protocols.imap.message.PartMap;
import org.mailslot.protocols.imap.message.Slice;
import org.mailslot.protocols.imap.parse.FetchAttribute;
import org.mailslot.protocols.imap.parse.ImapRequest;
import org.mailslot.protocols.imap.parse.SequenceSet;
import org.mailslot.protocols.imap.session.SelectedMailbox;
import org.mailslot.protocols.imap.session.Wire;
import org.mailslot.store.FlagOp;
import org.mailslot.store.MessageMeta;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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
 */
public final class FetchCommand {
    static final DateTimeFormatter INTERNALDATE = DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss Z", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private FetchCommand() {}

    public static void run(ImapSession s, ImapRequest.Fetch r) throws IOException {
        SelectedMailbox sel = s.selected();
        long[] uids;
        try {
            uids = MessageSets.resolve(s, r.set(), r.uid());
        } catch (MessageSets.InvalidSet e) {
            s.bad(r.tag(), e.getMessage());
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
        boolean needsBody = attrs.stream().anyMatch(a -> a instanceof FetchAttribute.BodySection
                || a instanceof FetchAttribute.Binary || a instanceof FetchAttribute.BinarySize);
        if (r.vanished() && !(r.set().saved() && s.savedSearch().length == 0)) {
            // RFC 7162 3.2.6: the expunged messages of the set come first, as one VANISHED (EARLIER)
            SequenceSet within = r.set().saved() ? SequenceSet.of(s.savedSearch()) : r.set();
            Resync.vanishedEarlier(s, sel, r.changedSince(), within, Resync.highestUid(s, sel));
        }
        FetchRenderer renderer = new FetchRenderer(s.settings().message());
        boolean missing = false;
        String unknownCte = null;
        OutputStream out = s.connection().output();
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
            PartMap map = needsBody ? renderer.map(body(s, m)) : null;
            ByteArrayOutputStream line = new ByteArrayOutputStream(256);
            write(line, "* " + seq + " FETCH (");
            boolean first = true;
            boolean toldFlags = false;
            boolean flagsListed = attrs.stream().anyMatch(a -> a instanceof FetchAttribute.Flags);
            for (FetchAttribute a : attrs) {
                if (!first) {
                    line.write(' ');
                }
                first = false;
                switch (a) {
                    case FetchAttribute.Flags f -> {
                        write(line, "FLAGS " + Wire.flagList(m.flags()));
                        toldFlags = true;
                    }
                    case FetchAttribute.Uid u -> write(line, "UID " + m.uid());
                    case FetchAttribute.InternalDate d -> write(line, "INTERNALDATE \"" + INTERNALDATE.format(m.internalDate()) + "\"");
                    case FetchAttribute.Rfc822Size z -> write(line, "RFC822.SIZE " + m.size());
                    case FetchAttribute.Envelope e -> write(line, "ENVELOPE " + m.envelope());
                    case FetchAttribute.Body b -> write(line, "BODY " + m.body());
                    case FetchAttribute.BodyStructure b -> write(line, "BODYSTRUCTURE " + m.bodyStructure());
                    case FetchAttribute.ModSeq q -> write(line, "MODSEQ (" + m.modSeq() + ")");
                    case FetchAttribute.EmailId e -> write(line, "EMAILID (" + ObjectIds.emailId(m.emailId()) + ")");
                    case FetchAttribute.ThreadId t -> write(line, "THREADID NIL");
                    case FetchAttribute.BodySection b -> {
                        Slice slice = renderer.section(map, b.section(), b.partial());
                        String name = b.legacyName() != null ? b.legacyName()
                                : "BODY[" + b.section().wireName() + "]"
                                + (b.partial() == null ? "" : "<" + b.partial().offset() + ">");
                        write(line, name + " {" + slice.length() + "}\r\n");
                        slice.writeTo(line);
                    }
                    case FetchAttribute.Binary b -> {
                        BinaryResult res = renderer.binary(map, b.part(), b.partial());
                        Slice slice = switch (res) {
                            case BinaryResult.Decoded d -> d.bytes();
                            case BinaryResult.NoSuchPart n -> Slice.EMPTY;
                            case BinaryResult.UnknownEncoding u -> {
                                unknownCte = u.encoding();
                                yield Slice.EMPTY;
                            }
                        };
                        String name = "BINARY[" + part(b.part()) + "]"
                                + (b.partial() == null ? "" : "<" + b.partial().offset() + ">");
                        write(line, name + " " + (hasNul(slice) ? "~" : "") + "{" + slice.length() + "}\r\n");
                        slice.writeTo(line);
                    }
                    case FetchAttribute.BinarySize b -> {
                        BinaryResult res = renderer.binary(map, b.part(), null);
                        long size = res instanceof BinaryResult.Decoded d ? d.bytes().length() : 0;
                        if (res instanceof BinaryResult.UnknownEncoding u) {
                            unknownCte = u.encoding();
                        }
                        write(line, "BINARY.SIZE[" + part(b.part()) + "] " + size);
                    }
                }
            }
            if (setsSeen && !flagsListed && !sel.flags(seq).equals(m.flags())) {
                // RFC 9051 6.4.5: the implicit \Seen is reported in the same response
                write(line, " FLAGS " + Wire.flagList(m.flags()));
                toldFlags = true;
            }
            line.write(')');
            write(line, "\r\n");
            if (unknownCte != null) {
                break;
            }
            line.writeTo(out);
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

    private static byte[] body(ImapSession s, MessageMeta m) throws IOException {
        try (InputStream in = s.store().openBody(m.blobHash())) {
            return in.readAllBytes();
        }
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

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }
}
