package org.mailslot.protocols.imap.message;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.mailslot.protocols.imap.parse.DateField;
import org.mailslot.protocols.imap.parse.SearchKey;
import org.mailslot.protocols.imap.parse.SequenceSet;
import org.mailslot.store.MessageMeta;

/**
 * Evaluates a SEARCH key tree (RFC 9051 6.4.4, CONDSTORE MODSEQ, WITHIN, OBJECTID) over the messages of a session's
 * view. The tree is compiled once into matchers; the loop over messages allocates nothing for metadata keys. Every
 * AND and OR tries its cheapest members first: metadata, then precomputed sets, then full-text (one index query per
 * key, made only if a message gets that far), then header keys (the header read from the message bytes, once per
 * message however many keys need it).
 *
 * <p>Choices: BEFORE/ON/SINCE compare the internal date as a date in the configured zone (the session passes UTC;
 * Dovecot uses the server's zone). SENTBEFORE/SENTON/SENTSINCE use the Date: header's own date, disregarding time and
 * zone as RFC 9051 says; a missing or unparsable Date: falls back to the internal date (as Dovecot does). Header keys
 * match a case-insensitive substring of the decoded field (RFC 2047 words decoded, see {@link Collation}); an empty
 * value matches a message that has the field. Keywords match case-insensitively. There is no \Recent: NEW and RECENT
 * match nothing, OLD everything. EMAILID and THREADID compare the stored ids ({@link ObjectIds}); one that is not
 * ours matches nothing. Not thread-safe per call; the evaluator itself is stateless and shareable.
 */
public final class SearchEvaluator {
    private static final Map<String, String> SYSTEM_FLAGS = Map.of(
            "\\seen", "\\Seen", "\\answered", "\\Answered", "\\flagged", "\\Flagged",
            "\\deleted", "\\Deleted", "\\draft", "\\Draft");

    private final MessageSettings settings;
    private final FullTextSearch fullText;
    private final MessageSource source;
    private final Clock clock;
    private final ZoneId zone;

    public SearchEvaluator(MessageSettings settings, FullTextSearch fullText, MessageSource source, Clock clock,
                           ZoneId zone) {
        this.settings = settings;
        this.fullText = fullText;
        this.source = source;
        this.clock = clock;
        this.zone = zone;
    }

    /**
     * @param key       the parsed criteria (the top-level list as an {@link SearchKey.And})
     * @param view      the session's messages in sequence order (sequence number = index + 1), UIDs ascending;
     *                  "*" is the last one's sequence number or UID
     * @param savedUids the SEARCHRES saved result ("$") as UIDs ascending, or null when nothing was saved
     */
    public SearchResult search(SearchKey key, List<MessageMeta> view, long[] savedUids) {
        Run run = new Run(view, savedUids == null ? new long[0] : savedUids);
        Matcher matcher = run.compile(key).matcher;
        int n = view.size();
        long[] uids = new long[Math.min(n, 1024)];
        int[] seqs = new int[uids.length];
        int count = 0;
        long highest = 0;
        for (int i = 0; i < n; i++) {
            MessageMeta m = view.get(i);
            if (matcher.test(i, m)) {
                if (count == uids.length) {
                    uids = Arrays.copyOf(uids, Math.max(16, count * 2));
                    seqs = Arrays.copyOf(seqs, uids.length);
                }
                uids[count] = m.uid();
                seqs[count] = i + 1;
                count++;
                highest = Math.max(highest, m.modSeq());
            }
        }
        return new SearchResult(Arrays.copyOf(uids, count), Arrays.copyOf(seqs, count), highest);
    }

    @FunctionalInterface
    private interface Matcher {
        boolean test(int index, MessageMeta m);
    }

    /** A compiled key and how expensive it is: 0 metadata, 1 precomputed set, 2 full-text, 3 message header. */
    private record Node(int cost, Matcher matcher) {}

    private static final Node ALL = new Node(0, (i, m) -> true);
    private static final Node NONE = new Node(0, (i, m) -> false);

    /** One evaluation: the view, and the header of the message being tested (a one-entry cache). */
    private final class Run {
        private final List<MessageMeta> view;
        private final long[] saved;
        private final Instant now;
        private long[] viewUids;
        private int headersIndex = -1;
        private MessageHeaders headers;

        Run(List<MessageMeta> view, long[] saved) {
            this.view = view;
            this.saved = saved;
            this.now = clock.instant();
        }

        Node compile(SearchKey key) {
            return switch (key) {
                case SearchKey.All a -> ALL;
                case SearchKey.Old o -> ALL;
                case SearchKey.New nw -> NONE;
                case SearchKey.Recent r -> NONE;
                case SearchKey.Flag f -> flag(f.flag(), f.set());
                case SearchKey.Size s -> {
                    long octets = s.octets();
                    yield s.larger() ? new Node(0, (i, m) -> m.size() > octets)
                            : new Node(0, (i, m) -> m.size() < octets);
                }
                case SearchKey.ModSeq ms -> {
                    long min = ms.modSeq();
                    yield new Node(0, (i, m) -> m.modSeq() >= min);
                }
                case SearchKey.Age a -> {
                    long limit = now.getEpochSecond() - a.seconds();
                    yield a.older() ? new Node(0, (i, m) -> m.internalDate().getEpochSecond() < limit)
                            : new Node(0, (i, m) -> m.internalDate().getEpochSecond() >= limit);
                }
                case SearchKey.EmailId e -> {
                    long id = ObjectIds.parseEmailId(e.id());
                    yield id < 0 ? NONE : new Node(0, (i, m) -> m.emailId() == id);
                }
                case SearchKey.ThreadId t -> {
                    long id = ObjectIds.parseThreadId(t.id());
                    yield id < 0 ? NONE : new Node(0, (i, m) -> m.threadId() == id);
                }
                case SearchKey.Uid u -> marks(uidMarks(u.set()));
                case SearchKey.Sequence s -> marks(sequenceMarks(s.set()));
                case SearchKey.Date d -> date(d);
                case SearchKey.Header h -> header(h.field().toLowerCase(Locale.ROOT), Collation.key(h.value()));
                case SearchKey.Text t -> t.value().isEmpty() ? ALL : fullText(t);
                case SearchKey.Not not -> {
                    Node inner = compile(not.key());
                    Matcher im = inner.matcher;
                    yield new Node(inner.cost, (i, m) -> !im.test(i, m));
                }
                case SearchKey.Or or -> {
                    Node[] both = sorted(List.of(compile(or.left()), compile(or.right())));
                    Matcher a = both[0].matcher;
                    Matcher b = both[1].matcher;
                    yield new Node(both[1].cost, (i, m) -> a.test(i, m) || b.test(i, m));
                }
                case SearchKey.And and -> {
                    List<Node> parts = new ArrayList<>(and.keys().size());
                    for (SearchKey k : and.keys()) {
                        parts.add(compile(k));
                    }
                    if (parts.isEmpty()) {
                        yield ALL;
                    }
                    if (parts.size() == 1) {
                        yield parts.getFirst();
                    }
                    Node[] ordered = sorted(parts);
                    Matcher[] ms = new Matcher[ordered.length];
                    for (int j = 0; j < ordered.length; j++) {
                        ms[j] = ordered[j].matcher;
                    }
                    yield new Node(ordered[ordered.length - 1].cost, (i, m) -> {
                        for (Matcher x : ms) {
                            if (!x.test(i, m)) {
                                return false;
                            }
                        }
                        return true;
                    });
                }
            };
        }

        private Node[] sorted(List<Node> nodes) {
            Node[] a = nodes.toArray(new Node[0]);
            Arrays.sort(a, Comparator.comparingInt(Node::cost)); // stable: the client's order among equals
            return a;
        }

        private Node flag(String flag, boolean set) {
            String canonical = flag.startsWith("\\") ? SYSTEM_FLAGS.get(flag.toLowerCase(Locale.ROOT)) : flag;
            if (canonical == null) {
                return set ? NONE : ALL; // \Recent or an unknown system flag: no message has it
            }
            boolean keyword = !canonical.startsWith("\\");
            return new Node(0, (i, m) -> hasFlag(m.flags(), canonical, keyword) == set);
        }

        private static boolean hasFlag(Set<String> flags, String flag, boolean keyword) {
            if (flags.contains(flag)) {
                return true;
            }
            if (keyword) {
                for (String f : flags) {
                    if (f.equalsIgnoreCase(flag)) {
                        return true;
                    }
                }
            }
            return false;
        }

        private Node marks(boolean[] hit) {
            return new Node(1, (i, m) -> hit[i]);
        }

        private boolean[] uidMarks(SequenceSet set) {
            long[] uids = viewUids();
            boolean[] hit = new boolean[uids.length];
            if (set.saved()) {
                markSaved(hit);
                return hit;
            }
            long max = uids.length == 0 ? 0 : uids[uids.length - 1];
            for (SequenceSet.Range r : set.ranges()) {
                long a = r.from() == SequenceSet.STAR ? max : r.from();
                long b = r.to() == SequenceSet.STAR ? max : r.to();
                long lo = Math.min(a, b);
                long hi = Math.max(a, b);
                for (int i = lowerBound(uids, lo); i < uids.length && uids[i] <= hi; i++) {
                    hit[i] = true;
                }
            }
            return hit;
        }

        private boolean[] sequenceMarks(SequenceSet set) {
            int n = view.size();
            boolean[] hit = new boolean[n];
            if (set.saved()) {
                markSaved(hit);
                return hit;
            }
            for (SequenceSet.Range r : set.ranges()) {
                long a = r.from() == SequenceSet.STAR ? n : r.from();
                long b = r.to() == SequenceSet.STAR ? n : r.to();
                long lo = Math.max(1, Math.min(a, b));
                long hi = Math.min(n, Math.max(a, b));
                for (long s = lo; s <= hi; s++) {
                    hit[(int) s - 1] = true;
                }
            }
            return hit;
        }

        private void markSaved(boolean[] hit) {
            long[] uids = viewUids();
            for (long uid : saved) {
                int i = Arrays.binarySearch(uids, uid);
                if (i >= 0) {
                    hit[i] = true;
                }
            }
        }

        private long[] viewUids() {
            if (viewUids == null) {
                viewUids = new long[view.size()];
                for (int i = 0; i < viewUids.length; i++) {
                    viewUids[i] = view.get(i).uid();
                }
            }
            return viewUids;
        }

        private Node date(SearchKey.Date d) {
            LocalDate day = d.date();
            if (d.field() == DateField.INTERNAL) {
                long start = day.atStartOfDay(zone).toEpochSecond();
                long next = day.plusDays(1).atStartOfDay(zone).toEpochSecond();
                return switch (d.comparison()) {
                    case BEFORE -> new Node(0, (i, m) -> m.internalDate().getEpochSecond() < start);
                    case ON -> new Node(0, (i, m) -> {
                        long t = m.internalDate().getEpochSecond();
                        return t >= start && t < next;
                    });
                    case SINCE -> new Node(0, (i, m) -> m.internalDate().getEpochSecond() >= start);
                };
            }
            return new Node(3, (i, m) -> {
                int c = sentDate(i, m).compareTo(day);
                return switch (d.comparison()) {
                    case BEFORE -> c < 0;
                    case ON -> c == 0;
                    case SINCE -> c >= 0;
                };
            });
        }

        private LocalDate sentDate(int i, MessageMeta m) {
            OffsetDateTime sent = headers(i, m).date();
            return sent != null ? sent.toLocalDate() : m.internalDate().atZone(zone).toLocalDate();
        }

        private Node header(String field, String needle) {
            return new Node(3, (i, m) -> {
                List<String> values = headers(i, m).all(field);
                if (needle.isEmpty()) {
                    return !values.isEmpty();
                }
                for (String v : values) {
                    if (Collation.key(v).contains(needle)) {
                        return true;
                    }
                }
                return false;
            });
        }

        private Node fullText(SearchKey.Text t) {
            boolean[][] hits = new boolean[1][];
            return new Node(2, (i, m) -> {
                if (hits[0] == null) {
                    hits[0] = new boolean[view.size()];
                    long[] uids = viewUids();
                    for (Long uid : fullText.search(t.value(), t.field())) {
                        int at = Arrays.binarySearch(uids, uid);
                        if (at >= 0) {
                            hits[0][at] = true;
                        }
                    }
                }
                return hits[0][i];
            });
        }

        private MessageHeaders headers(int i, MessageMeta m) {
            if (headersIndex != i) {
                headers = MessageHeaders.read(source, m, settings.maxHeaderBytes());
                headersIndex = i;
            }
            return headers;
        }

        private static int lowerBound(long[] a, long key) {
            int lo = 0;
            int hi = a.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (a[mid] < key) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }
}
