package org.mailslot.protocols.imap.parse;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** SEARCH keys (RFC 9051 6.4.4, CONDSTORE, WITHIN, OBJECTID, SEARCHRES), RETURN options and CHARSET. */
final class SearchParser {
    static final String BADCHARSET = "BADCHARSET (UTF-8 US-ASCII)";

    private final Cursor c;
    private final Charset charset;
    private final int maxDepth;

    SearchParser(Cursor c, Charset charset, int maxDepth) {
        this.c = c;
        this.charset = charset;
        this.maxDepth = maxDepth;
    }

    /** search-return-opts = "RETURN" SP "(" [opt *(SP opt)] ")"; the caller consumed "RETURN" SP. */
    static Set<ImapRequest.SearchReturn> returnOptions(Cursor c) {
        c.expect('(');
        Set<ImapRequest.SearchReturn> set = EnumSet.noneOf(ImapRequest.SearchReturn.class);
        if (c.tryChar(')')) return set;
        do {
            String opt = c.atomUpper();
            switch (opt) {
                case "MIN" -> set.add(ImapRequest.SearchReturn.MIN);
                case "MAX" -> set.add(ImapRequest.SearchReturn.MAX);
                case "ALL" -> set.add(ImapRequest.SearchReturn.ALL);
                case "COUNT" -> set.add(ImapRequest.SearchReturn.COUNT);
                case "SAVE" -> set.add(ImapRequest.SearchReturn.SAVE);
                default -> throw new Syntax("Unknown search return option " + opt);
            }
        } while (c.trySp());
        c.expect(')');
        return set;
    }

    /**
     * The Java charset for a CHARSET name; UTF-8 and US-ASCII always (ASCII read as UTF-8), others when the JVM has
     * them. Unknown ones are a "NO [BADCHARSET]", which the caller reports.
     */
    static Charset charset(String name) {
        if (name == null || name.equalsIgnoreCase("UTF-8") || name.equalsIgnoreCase("US-ASCII")) return StandardCharsets.UTF_8;
        try {
            return Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** 1*(SP search-key) after the command's fixed arguments: the top-level And. */
    SearchKey keys() {
        List<SearchKey> keys = new ArrayList<>(4);
        do {
            c.sp();
            keys.add(key(0));
        } while (!c.atEnd());
        return new SearchKey.And(keys);
    }

    /** search-key *(SP search-key), the first SP already consumed. */
    SearchKey keysAfterSpace() {
        List<SearchKey> keys = new ArrayList<>(4);
        keys.add(key(0));
        while (!c.atEnd()) {
            c.sp();
            keys.add(key(0));
        }
        return new SearchKey.And(keys);
    }

    private SearchKey key(int depth) {
        if (depth >= maxDepth) throw new Syntax("Search keys nested too deeply (at most " + maxDepth + ")");
        if (c.tryChar('(')) {
            List<SearchKey> keys = new ArrayList<>(4);
            keys.add(key(depth + 1));
            while (c.trySp()) keys.add(key(depth + 1));
            c.expect(')');
            return new SearchKey.And(keys);
        }
        if (c.atSequenceSet()) return new SearchKey.Sequence(c.sequenceSet());
        String k = c.atomUpper();
        return switch (k) {
            case "ALL" -> new SearchKey.All();
            case "ANSWERED" -> new SearchKey.Flag("\\Answered", true);
            case "DELETED" -> new SearchKey.Flag("\\Deleted", true);
            case "DRAFT" -> new SearchKey.Flag("\\Draft", true);
            case "FLAGGED" -> new SearchKey.Flag("\\Flagged", true);
            case "SEEN" -> new SearchKey.Flag("\\Seen", true);
            case "UNANSWERED" -> new SearchKey.Flag("\\Answered", false);
            case "UNDELETED" -> new SearchKey.Flag("\\Deleted", false);
            case "UNDRAFT" -> new SearchKey.Flag("\\Draft", false);
            case "UNFLAGGED" -> new SearchKey.Flag("\\Flagged", false);
            case "UNSEEN" -> new SearchKey.Flag("\\Seen", false);
            case "KEYWORD" -> new SearchKey.Flag(keyword(), true);
            case "UNKEYWORD" -> new SearchKey.Flag(keyword(), false);
            case "NEW" -> new SearchKey.New();
            case "OLD" -> new SearchKey.Old();
            case "RECENT" -> new SearchKey.Recent();
            case "FROM" -> new SearchKey.Header("From", value());
            case "TO" -> new SearchKey.Header("To", value());
            case "CC" -> new SearchKey.Header("Cc", value());
            case "BCC" -> new SearchKey.Header("Bcc", value());
            case "SUBJECT" -> new SearchKey.Header("Subject", value());
            case "HEADER" -> {
                c.sp();
                String field = Cursor.utf8(c.astringBytes());
                yield new SearchKey.Header(field, value());
            }
            case "BODY" -> new SearchKey.Text(TextField.BODY, value());
            case "TEXT" -> new SearchKey.Text(TextField.TEXT, value());
            case "BEFORE" -> date(DateField.INTERNAL, DateComparison.BEFORE);
            case "ON" -> date(DateField.INTERNAL, DateComparison.ON);
            case "SINCE" -> date(DateField.INTERNAL, DateComparison.SINCE);
            case "SENTBEFORE" -> date(DateField.SENT, DateComparison.BEFORE);
            case "SENTON" -> date(DateField.SENT, DateComparison.ON);
            case "SENTSINCE" -> date(DateField.SENT, DateComparison.SINCE);
            case "LARGER" -> new SearchKey.Size(true, numberArg());
            case "SMALLER" -> new SearchKey.Size(false, numberArg());
            case "UID" -> {
                c.sp();
                yield new SearchKey.Uid(c.sequenceSet());
            }
            case "NOT" -> {
                c.sp();
                yield new SearchKey.Not(key(depth + 1));
            }
            case "OR" -> {
                c.sp();
                SearchKey left = key(depth + 1);
                c.sp();
                yield new SearchKey.Or(left, key(depth + 1));
            }
            case "MODSEQ" -> modSeq();
            case "OLDER" -> new SearchKey.Age(true, nzArg());
            case "YOUNGER" -> new SearchKey.Age(false, nzArg());
            case "EMAILID" -> new SearchKey.EmailId(objectId());
            case "THREADID" -> new SearchKey.ThreadId(objectId());
            default -> throw new Syntax("Unknown search key " + k);
        };
    }

    private String keyword() {
        c.sp();
        return c.atom();
    }

    private String value() {
        c.sp();
        byte[] b = c.astringBytes();
        return charset == StandardCharsets.UTF_8 ? Cursor.utf8(b) : Cursor.decodeStrict(b, charset);
    }

    private SearchKey date(DateField field, DateComparison comparison) {
        c.sp();
        return new SearchKey.Date(field, comparison, Args.date(c));
    }

    private long numberArg() {
        c.sp();
        return c.number();
    }

    private long nzArg() {
        c.sp();
        long v = c.number();
        if (v < 1) throw new Syntax("Expected a positive number");
        return v;
    }

    /** MODSEQ [SP entry-name SP entry-type-req] SP mod-sequence-valzer. */
    private SearchKey modSeq() {
        c.sp();
        if (c.peek() == '"') {
            String entry = Cursor.utf8(c.quoted());
            if (!entry.regionMatches(true, 0, "/flags/", 0, 7)) throw new Syntax("Invalid MODSEQ entry name");
            c.sp();
            String type = c.atomUpper();
            if (!type.equals("PRIV") && !type.equals("SHARED") && !type.equals("ALL")) {
                throw new Syntax("Invalid MODSEQ entry type " + type);
            }
            c.sp();
        }
        return new SearchKey.ModSeq(c.number());
    }

    /** objectid = 1*255(ALPHA / DIGIT / "_" / "-"). */
    private String objectId() {
        c.sp();
        String id = c.atom();
        if (id.length() > 255) throw new Syntax("Object id too long");
        for (int i = 0; i < id.length(); i++) {
            char ch = id.charAt(i);
            if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-')) {
                throw new Syntax("Invalid object id");
            }
        }
        return id;
    }
}
