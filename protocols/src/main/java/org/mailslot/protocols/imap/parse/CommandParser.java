package org.mailslot.protocols.imap.parse;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a {@link RawCommand} into an {@link ImapRequest}, following the RFC 9051 grammar and the extensions the
 * server offers. Pure and thread-safe; the session passes its name mode per call because ENABLE changes it.
 */
public final class CommandParser {
    public static final int DEFAULT_MAX_DEPTH = 64;
    private static final int MAX_ID_PAIRS = 30;

    private final int maxDepth;

    /** @param maxDepth deepest nesting of parenthesized SEARCH keys, NOT and OR (1..1000, default 64) */
    public CommandParser(int maxDepth) {
        if (maxDepth < 1 || maxDepth > 1000) throw new IllegalArgumentException("imap max nesting depth must be 1..1000, got " + maxDepth);
        this.maxDepth = maxDepth;
    }

    public CommandParser() {
        this(DEFAULT_MAX_DEPTH);
    }

    /** Whether a line read during IDLE ends it ("DONE", any case). */
    public static boolean isDone(byte[] line) {
        return line.length == 4 && (line[0] | 0x20) == 'd' && (line[1] | 0x20) == 'o' && (line[2] | 0x20) == 'n' && (line[3] | 0x20) == 'e';
    }

    /**
     * @param utf8 the session uses UTF-8 mailbox names (IMAP4rev2 or UTF8=ACCEPT enabled); otherwise names are
     *             modified UTF-7 on the wire and decoded here
     */
    public ParseResult parse(RawCommand command, boolean utf8) {
        String tag = command.tag();
        if (tag == null) {
            return new ParseError.Bad(null, "Invalid or missing tag");
        }
        Cursor c = new Cursor(command);
        try {
            for (int i = 0; i < tag.length(); i++) c.tryChar(tag.charAt(i));
            if (c.atEnd()) throw new Syntax("Missing command");
            c.sp();
            String verb = c.atomUpper();
            ImapRequest r = switch (verb) {
                case "UID" -> {
                    c.sp();
                    yield uidCommand(tag, c.atomUpper(), c, utf8);
                }
                default -> command(tag, verb, c, utf8);
            };
            return new ParseResult.Parsed(r);
        } catch (Syntax e) {
            if ("BADCHARSET".equals(e.code)) return new ParseError.Rejected(tag, SearchParser.BADCHARSET, e.getMessage());
            return new ParseError.Bad(tag, e.code, e.getMessage());
        }
    }

    private ImapRequest command(String tag, String verb, Cursor c, boolean utf8) {
        ImapRequest r = switch (verb) {
            case "CAPABILITY" -> new ImapRequest.Capability(tag);
            case "NOOP" -> new ImapRequest.Noop(tag);
            case "LOGOUT" -> new ImapRequest.Logout(tag);
            case "STARTTLS" -> new ImapRequest.StartTls(tag);
            case "NAMESPACE" -> new ImapRequest.Namespace(tag);
            case "IDLE" -> new ImapRequest.Idle(tag);
            case "CHECK" -> new ImapRequest.Check(tag);
            case "CLOSE" -> new ImapRequest.Close(tag);
            case "UNSELECT" -> new ImapRequest.Unselect(tag);
            case "EXPUNGE" -> new ImapRequest.Expunge(tag, null);
            case "AUTHENTICATE" -> authenticate(tag, c);
            case "LOGIN" -> {
                c.sp();
                String user = c.astring();
                c.sp();
                yield new ImapRequest.Login(tag, user, c.astring());
            }
            case "ENABLE" -> {
                List<String> caps = new ArrayList<>(2);
                do {
                    c.sp();
                    caps.add(c.atomUpper());
                } while (!c.atEnd());
                yield new ImapRequest.Enable(tag, caps);
            }
            case "SELECT", "EXAMINE" -> select(tag, verb.equals("EXAMINE"), c, utf8);
            case "CREATE" -> create(tag, c, utf8);
            case "DELETE" -> new ImapRequest.Delete(tag, mailboxArg(c, utf8));
            case "RENAME" -> {
                String from = mailboxArg(c, utf8);
                yield new ImapRequest.Rename(tag, from, mailboxArg(c, utf8));
            }
            case "SUBSCRIBE" -> new ImapRequest.Subscribe(tag, mailboxArg(c, utf8));
            case "UNSUBSCRIBE" -> new ImapRequest.Unsubscribe(tag, mailboxArg(c, utf8));
            case "LIST" -> ListParser.list(tag, c, utf8);
            case "LSUB" -> {
                c.sp();
                String ref = Args.mailboxName(c.astringBytes(), utf8);
                c.sp();
                yield new ImapRequest.Lsub(tag, ref, Args.mailboxName(c.listMailboxBytes(), utf8));
            }
            case "STATUS" -> {
                String mailbox = mailboxArg(c, utf8);
                c.sp();
                yield new ImapRequest.Status(tag, mailbox, ListParser.statusItems(c));
            }
            case "APPEND" -> append(tag, c, utf8);
            case "GETQUOTA" -> {
                c.sp();
                yield new ImapRequest.GetQuota(tag, c.astring());
            }
            case "GETQUOTAROOT" -> new ImapRequest.GetQuotaRoot(tag, mailboxArg(c, utf8));
            case "SETQUOTA" -> setQuota(tag, c);
            case "COMPRESS" -> {
                c.sp();
                yield new ImapRequest.Compress(tag, c.atomUpper());
            }
            case "ID" -> id(tag, c);
            case "SEARCH", "FETCH", "STORE", "COPY", "MOVE", "SORT", "THREAD" -> uidCommand(tag, verb, c, utf8, false);
            default -> throw new Syntax("Unknown command " + Cursor.printable(verb.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, Math.min(verb.length(), 30)));
        };
        c.end();
        return r;
    }

    private ImapRequest uidCommand(String tag, String verb, Cursor c, boolean utf8) {
        if (verb.equals("EXPUNGE")) {
            c.sp();
            SequenceSet set = c.sequenceSet();
            c.end();
            return new ImapRequest.Expunge(tag, set);
        }
        ImapRequest r = switch (verb) {
            case "SEARCH", "FETCH", "STORE", "COPY", "MOVE", "SORT", "THREAD" -> uidCommand(tag, verb, c, utf8, true);
            default -> throw new Syntax("Unknown UID command " + verb);
        };
        c.end();
        return r;
    }

    private ImapRequest uidCommand(String tag, String verb, Cursor c, boolean utf8, boolean uid) {
        return switch (verb) {
            case "SEARCH" -> search(tag, uid, c);
            case "FETCH" -> fetch(tag, uid, c);
            case "STORE" -> store(tag, uid, c);
            case "COPY" -> {
                c.sp();
                SequenceSet set = c.sequenceSet();
                yield new ImapRequest.Copy(tag, uid, set, mailboxArg(c, utf8));
            }
            case "MOVE" -> {
                c.sp();
                SequenceSet set = c.sequenceSet();
                yield new ImapRequest.Move(tag, uid, set, mailboxArg(c, utf8));
            }
            case "SORT" -> sort(tag, uid, c);
            case "THREAD" -> thread(tag, uid, c);
            default -> throw new IllegalStateException(verb);
        };
    }

    private static String mailboxArg(Cursor c, boolean utf8) {
        c.sp();
        return Args.mailbox(c, utf8);
    }

    private static ImapRequest authenticate(String tag, Cursor c) {
        c.sp();
        String mechanism = c.atomUpper();
        String ir = null;
        if (c.trySp()) {
            ir = c.atom();
            if (!ir.equals("=")) {
                for (int i = 0; i < ir.length(); i++) {
                    char ch = ir.charAt(i);
                    boolean ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '+' || ch == '/' || ch == '=';
                    if (!ok) throw new Syntax("Initial response is not base64");
                }
            }
        }
        return new ImapRequest.Authenticate(tag, mechanism, ir);
    }

    private static ImapRequest select(String tag, boolean readOnly, Cursor c, boolean utf8) {
        String mailbox = mailboxArg(c, utf8);
        boolean condStore = false;
        ImapRequest.QResync qresync = null;
        if (c.trySp()) {
            c.expect('(');
            do {
                String p = c.atomUpper();
                switch (p) {
                    case "CONDSTORE" -> condStore = true;
                    case "QRESYNC" -> {
                        if (qresync != null) throw new Syntax("QRESYNC given twice");
                        c.sp();
                        qresync = qresync(c);
                    }
                    default -> throw new Syntax("Unknown SELECT parameter " + p);
                }
            } while (c.trySp());
            c.expect(')');
        }
        return new ImapRequest.Select(tag, mailbox, readOnly, condStore, qresync);
    }

    /** "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")". */
    private static ImapRequest.QResync qresync(Cursor c) {
        c.expect('(');
        long uidValidity = c.nzNumber32();
        c.sp();
        long modSeq = c.number();
        if (modSeq < 1) throw new Syntax("QRESYNC mod-sequence must be positive");
        SequenceSet knownUids = null;
        SequenceSet seqs = null;
        SequenceSet seqUids = null;
        if (c.trySp()) {
            if (c.peek() != '(') {
                knownUids = c.sequenceSet();
                if (knownUids.saved()) throw new Syntax("$ is not allowed in QRESYNC");
            }
            if (knownUids == null || c.trySp()) {
                c.expect('(');
                seqs = c.sequenceSet();
                c.sp();
                seqUids = c.sequenceSet();
                c.expect(')');
                if (seqs.saved() || seqUids.saved()) throw new Syntax("$ is not allowed in QRESYNC");
            }
        }
        c.expect(')');
        return new ImapRequest.QResync(uidValidity, modSeq, knownUids, seqs, seqUids);
    }

    private static ImapRequest create(String tag, Cursor c, boolean utf8) {
        String mailbox = mailboxArg(c, utf8);
        List<String> use = new ArrayList<>(0);
        if (c.trySp()) {
            c.expect('(');
            do {
                String p = c.atomUpper();
                if (!p.equals("USE")) throw new Syntax("Unknown CREATE parameter " + p);
                c.sp();
                c.expect('(');
                if (!c.tryChar(')')) {
                    do {
                        use.add(Args.useAttribute(c));
                    } while (c.trySp());
                    c.expect(')');
                }
            } while (c.trySp());
            c.expect(')');
        }
        return new ImapRequest.Create(tag, mailbox, use);
    }

    /** APPEND mailbox 1*( [SP flag-list] [SP date-time] SP (literal / literal8 / "UTF8" SP "(" literal8 ")") ). */
    private static ImapRequest append(String tag, Cursor c, boolean utf8) {
        String mailbox = mailboxArg(c, utf8);
        List<ImapRequest.AppendMessage> messages = new ArrayList<>(1);
        do {
            c.sp();
            List<String> flags = List.of();
            java.time.OffsetDateTime date = null;
            if (c.peek() == '(') {
                flags = Args.flagList(c);
                c.sp();
            }
            if (c.peek() == '"') {
                date = Args.dateTime(c);
                c.sp();
            }
            boolean utf8Data = false;
            RawCommand.Literal lit;
            if (c.atLiteral()) {
                lit = c.takeLiteral();
            } else if (c.tryKeyword("UTF8")) {
                c.sp();
                c.expect('(');
                lit = c.takeLiteral();
                if (!lit.binary()) throw new Syntax("UTF8 (...) takes a literal8");
                c.expect(')');
                utf8Data = true;
            } else {
                throw new Syntax("Expected the message as a literal");
            }
            if (!lit.binary()) {
                for (byte b : lit.data()) {
                    if (b == 0) throw new Syntax("NUL in message literal (use literal8 with BINARY)");
                }
            }
            messages.add(new ImapRequest.AppendMessage(flags, date, lit.data(), lit.binary(), utf8Data));
        } while (!c.atEnd());
        return new ImapRequest.Append(tag, mailbox, messages);
    }

    private static ImapRequest setQuota(String tag, Cursor c) {
        c.sp();
        String root = c.astring();
        c.sp();
        c.expect('(');
        List<ImapRequest.QuotaLimit> limits = new ArrayList<>(2);
        if (!c.tryChar(')')) {
            do {
                String resource = c.atomUpper();
                c.sp();
                limits.add(new ImapRequest.QuotaLimit(resource, c.number()));
            } while (c.trySp());
            c.expect(')');
        }
        return new ImapRequest.SetQuota(tag, root, limits);
    }

    private static ImapRequest id(String tag, Cursor c) {
        c.sp();
        if (c.tryKeyword("NIL")) return new ImapRequest.Id(tag, null);
        c.expect('(');
        List<ImapRequest.IdParam> params = new ArrayList<>(4);
        if (!c.tryChar(')')) {
            do {
                if (params.size() >= MAX_ID_PAIRS) throw new Syntax("Too many ID fields (at most " + MAX_ID_PAIRS + ")");
                String field = c.string();
                c.sp();
                params.add(new ImapRequest.IdParam(field, c.nstring()));
            } while (c.trySp());
            c.expect(')');
        }
        return new ImapRequest.Id(tag, params);
    }

    private ImapRequest search(String tag, boolean uid, Cursor c) {
        Set<ImapRequest.SearchReturn> returns = null;
        String charset = null;
        c.sp();
        if (c.tryKeyword("RETURN")) {
            c.sp();
            returns = SearchParser.returnOptions(c);
            c.sp();
        }
        if (c.tryKeyword("CHARSET")) {
            c.sp();
            charset = Args.upper(c.astring());
            c.sp();
        }
        Charset cs = charsetOrReject(charset);
        SearchKey key = new SearchParser(c, cs, maxDepth).keysAfterSpace();
        return new ImapRequest.Search(tag, uid, returns, charset, key);
    }

    private static Charset charsetOrReject(String charset) {
        Charset cs = SearchParser.charset(charset);
        if (cs == null) throw new Syntax("BADCHARSET", "Unsupported charset " + charset);
        return cs;
    }

    private ImapRequest fetch(String tag, boolean uid, Cursor c) {
        c.sp();
        SequenceSet set = c.sequenceSet();
        c.sp();
        List<FetchAttribute> atts = FetchParser.attributes(c);
        long changedSince = -1;
        boolean vanished = false;
        if (c.trySp()) {
            c.expect('(');
            do {
                String m = c.atomUpper();
                switch (m) {
                    case "CHANGEDSINCE" -> {
                        c.sp();
                        changedSince = c.number();
                    }
                    case "VANISHED" -> vanished = true;
                    default -> throw new Syntax("Unknown FETCH modifier " + m);
                }
            } while (c.trySp());
            c.expect(')');
            if (vanished && (!uid || changedSince < 0)) throw new Syntax("VANISHED needs UID FETCH with CHANGEDSINCE");
        }
        return new ImapRequest.Fetch(tag, uid, set, atts, changedSince, vanished);
    }

    private static ImapRequest store(String tag, boolean uid, Cursor c) {
        c.sp();
        SequenceSet set = c.sequenceSet();
        c.sp();
        long unchangedSince = -1;
        if (c.tryChar('(')) {
            String m = c.atomUpper();
            if (!m.equals("UNCHANGEDSINCE")) throw new Syntax("Unknown STORE modifier " + m);
            c.sp();
            unchangedSince = c.number();
            c.expect(')');
            c.sp();
        }
        ImapRequest.StoreMode mode = c.tryChar('+') ? ImapRequest.StoreMode.ADD
                : c.tryChar('-') ? ImapRequest.StoreMode.REMOVE : ImapRequest.StoreMode.REPLACE;
        String item = c.atomUpper();
        boolean silent = switch (item) {
            case "FLAGS" -> false;
            case "FLAGS.SILENT" -> true;
            default -> throw new Syntax("Expected FLAGS, +FLAGS or -FLAGS");
        };
        c.sp();
        List<String> flags;
        if (c.peek() == '(') {
            flags = Args.flagList(c);
        } else {
            flags = new ArrayList<>(2);
            do {
                flags.add(Args.flag(c));
            } while (c.trySp());
        }
        return new ImapRequest.Store(tag, uid, set, unchangedSince, mode, silent, flags);
    }

    private ImapRequest sort(String tag, boolean uid, Cursor c) {
        c.sp();
        Set<ImapRequest.SearchReturn> returns = null;
        if (c.tryKeyword("RETURN")) {
            c.sp();
            returns = SearchParser.returnOptions(c);
            c.sp();
        }
        c.expect('(');
        List<ImapRequest.SortCriterion> criteria = new ArrayList<>(2);
        do {
            boolean reverse = false;
            String k = c.atomUpper();
            if (k.equals("REVERSE")) {
                reverse = true;
                c.sp();
                k = c.atomUpper();
            }
            ImapRequest.SortKey key;
            try {
                key = ImapRequest.SortKey.valueOf(k);
            } catch (IllegalArgumentException e) {
                throw new Syntax("Unknown sort key " + k);
            }
            criteria.add(new ImapRequest.SortCriterion(key, reverse));
        } while (c.trySp());
        c.expect(')');
        c.sp();
        String charset = Args.upper(c.astring());
        Charset cs = charsetOrReject(charset);
        return new ImapRequest.Sort(tag, uid, returns, criteria, charset, new SearchParser(c, cs, maxDepth).keys());
    }

    private ImapRequest thread(String tag, boolean uid, Cursor c) {
        c.sp();
        String alg = c.atomUpper();
        ImapRequest.ThreadAlgorithm algorithm = switch (alg) {
            case "REFERENCES" -> ImapRequest.ThreadAlgorithm.REFERENCES;
            case "ORDEREDSUBJECT" -> ImapRequest.ThreadAlgorithm.ORDEREDSUBJECT;
            default -> throw new Syntax("Unknown thread algorithm " + alg);
        };
        c.sp();
        String charset = Args.upper(c.astring());
        Charset cs = charsetOrReject(charset);
        return new ImapRequest.Thread(tag, uid, algorithm, charset, new SearchParser(c, cs, maxDepth).keys());
    }

    static Set<ImapRequest.ListSelect> noSelect() {
        return EnumSet.noneOf(ImapRequest.ListSelect.class);
    }
}
