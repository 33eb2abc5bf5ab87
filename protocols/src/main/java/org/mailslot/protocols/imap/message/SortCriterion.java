package org.mailslot.protocols.imap.message;

/** One SORT criterion (RFC 5256 section 3, RFC 5957); {@code reverse} is the REVERSE before it. */
public record SortCriterion(Key key, boolean reverse) {
    public enum Key { ARRIVAL, CC, DATE, FROM, SIZE, SUBJECT, TO, DISPLAYFROM, DISPLAYTO }

    public static SortCriterion of(Key key) {
        return new SortCriterion(key, false);
    }

    public static SortCriterion reversed(Key key) {
        return new SortCriterion(key, true);
    }
}
