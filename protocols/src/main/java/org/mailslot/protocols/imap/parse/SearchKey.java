package org.mailslot.protocols.imap.parse;

import java.util.List;
import java.util.Objects;

/** A parsed SEARCH criterion (RFC 9051 6.4.4 + CONDSTORE MODSEQ, WITHIN OLDER/YOUNGER, OBJECTID EMAILID/THREADID). */
public sealed interface SearchKey {
    record All() implements SearchKey {}

    /** ANSWERED/DELETED/DRAFT/FLAGGED/SEEN (flag "\\Answered"...) and KEYWORD k (flag k), set=true; UN... set=false. */
    record Flag(String flag, boolean set) implements SearchKey {
        public Flag { Objects.requireNonNull(flag, "flag"); }
    }

    /** rev1 only: RECENT UNSEEN (no \Recent in mailslot: matches nothing). */
    record New() implements SearchKey {}

    /** rev1: NOT RECENT (matches all). */
    record Old() implements SearchKey {}

    /** rev1: matches nothing. */
    record Recent() implements SearchKey {}

    /** FROM/TO/CC/BCC/SUBJECT x and HEADER name x: case-insensitive substring of the (decoded) header field; empty value = field present. */
    record Header(String field, String value) implements SearchKey {
        public Header {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(value, "value");
        }
    }

    record Text(TextField field, String value) implements SearchKey {
        public Text {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(value, "value");
        }
    }

    record Date(DateField field, DateComparison comparison, java.time.LocalDate date) implements SearchKey {
        public Date {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(comparison, "comparison");
            Objects.requireNonNull(date, "date");
        }
    }

    /** LARGER n (larger=true) / SMALLER n: RFC822.SIZE compared strictly. */
    record Size(boolean larger, long octets) implements SearchKey {}

    record Uid(SequenceSet set) implements SearchKey {
        public Uid { Objects.requireNonNull(set, "set"); }
    }

    record Sequence(SequenceSet set) implements SearchKey {
        public Sequence { Objects.requireNonNull(set, "set"); }
    }

    record Not(SearchKey key) implements SearchKey {
        public Not { Objects.requireNonNull(key, "key"); }
    }

    record Or(SearchKey left, SearchKey right) implements SearchKey {
        public Or {
            Objects.requireNonNull(left, "left");
            Objects.requireNonNull(right, "right");
        }
    }

    /** A parenthesized list or the top-level list. */
    record And(List<SearchKey> keys) implements SearchKey {
        public And { keys = List.copyOf(keys); }
    }

    /** MODSEQ [entry type] n: message modseq >= n. */
    record ModSeq(long modSeq) implements SearchKey {}

    /** OLDER n (older=true) / YOUNGER n: internal date more than / at most n seconds before now (RFC 5032). */
    record Age(boolean older, long seconds) implements SearchKey {}

    record EmailId(String id) implements SearchKey {
        public EmailId { Objects.requireNonNull(id, "id"); }
    }

    record ThreadId(String id) implements SearchKey {
        public ThreadId { Objects.requireNonNull(id, "id"); }
    }
}
