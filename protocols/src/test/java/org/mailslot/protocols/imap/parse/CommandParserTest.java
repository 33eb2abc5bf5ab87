package org.mailslot.protocols.imap.parse;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailslot.protocols.imap.parse.Parse.err;
import static org.mailslot.protocols.imap.parse.Parse.ok;

class CommandParserTest {

    @Test
    void rfc9051SampleSession() {
        ImapRequest.Login login = ok("a001 login mrc secret");
        assertThat(login).isEqualTo(new ImapRequest.Login("a001", "mrc", "secret"));
        ImapRequest.Select select = ok("a002 select inbox");
        assertThat(select).isEqualTo(new ImapRequest.Select("a002", "INBOX", false, false, null));
        ImapRequest.Fetch full = ok("a003 fetch 12 full");
        assertThat(full.attributes()).containsExactly(new FetchAttribute.Flags(), new FetchAttribute.InternalDate(),
                new FetchAttribute.Rfc822Size(), new FetchAttribute.Envelope(), new FetchAttribute.Body());
        assertThat(full.set().toString()).isEqualTo("12");
        ImapRequest.Fetch header = ok("a004 fetch 12 body[header]");
        assertThat(header.attributes()).containsExactly(new FetchAttribute.BodySection(
                new Section(List.of(), Section.SectionText.HEADER, null), false, null, null));
        ImapRequest.Store store = ok("a005 store 12 +flags \\deleted");
        assertThat(store).isEqualTo(new ImapRequest.Store("a005", false, SequenceSet.of(12), -1,
                ImapRequest.StoreMode.ADD, false, List.of("\\Deleted")));
        assertThat((ImapRequest) ok("a006 logout")).isEqualTo(new ImapRequest.Logout("a006"));
    }

    @Test
    void simpleCommandsAndCase() {
        assertThat((ImapRequest) ok("A CAPABILITY")).isEqualTo(new ImapRequest.Capability("A"));
        assertThat((ImapRequest) ok("A noop")).isEqualTo(new ImapRequest.Noop("A"));
        assertThat((ImapRequest) ok("A StartTLS")).isEqualTo(new ImapRequest.StartTls("A"));
        assertThat((ImapRequest) ok("A IDLE")).isEqualTo(new ImapRequest.Idle("A"));
        assertThat((ImapRequest) ok("A UNSELECT")).isEqualTo(new ImapRequest.Unselect("A"));
        assertThat((ImapRequest) ok("A CLOSE")).isEqualTo(new ImapRequest.Close("A"));
        assertThat((ImapRequest) ok("A NAMESPACE")).isEqualTo(new ImapRequest.Namespace("A"));
        assertThat((ImapRequest) ok("A EXPUNGE")).isEqualTo(new ImapRequest.Expunge("A", null));
        assertThat((ImapRequest) ok("A uid expunge 3:5,9")).isEqualTo(new ImapRequest.Expunge("A",
                new SequenceSet(List.of(new SequenceSet.Range(3, 5), new SequenceSet.Range(9, 9)), false)));
        assertThat(CommandParser.isDone("done".getBytes())).isTrue();
        assertThat(CommandParser.isDone("DONE ".getBytes())).isFalse();
    }

    @Test
    void badTagsAndVerbs() {
        assertThat(err("+a NOOP").tag()).isNull();
        assertThat(err("a{ NOOP").tag()).isNull();
        assertThat(err("a*b NOOP").tag()).isNull();
        assertThat(err("a FROB").text()).contains("Unknown command FROB");
        assertThat(err("a").text()).contains("Missing command");
        assertThat(err("a NOOP extra").text()).contains("Unexpected");
        assertThat(err("a  NOOP").fatal()).isFalse();
        assertThat(err("a LOGIN alice").text()).isEqualTo("Missing arguments");
        assertThat(err("a UID FROB 1").text()).contains("Unknown UID command");
    }

    @Test
    void authenticateAndLogin() {
        assertThat((ImapRequest) ok("a AUTHENTICATE plain")).isEqualTo(new ImapRequest.Authenticate("a", "PLAIN", null));
        assertThat((ImapRequest) ok("a AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA=="))
                .isEqualTo(new ImapRequest.Authenticate("a", "PLAIN", "AGFsaWNlAHNlY3JldA=="));
        assertThat((ImapRequest) ok("a AUTHENTICATE PLAIN =")).isEqualTo(new ImapRequest.Authenticate("a", "PLAIN", "="));
        err("a AUTHENTICATE PLAIN ab#c");
        assertThat((ImapRequest) ok("a LOGIN \"al\\\"ice\" \"p\\\\w d\""))
                .isEqualTo(new ImapRequest.Login("a", "al\"ice", "p\\w d"));
        assertThat(err("a LOGIN \"a\\b\" x").text()).contains("escape");
        assertThat(err("a LOGIN \"abc x").text()).contains("Unterminated");
        assertThat((ImapRequest) ok("a LOGIN {3+}\r\nbob {2+}\r\npw")).isEqualTo(new ImapRequest.Login("a", "bob", "pw"));
        assertThat((ImapRequest) ok("a LOGIN \"j\u00F6rg\" x")).isEqualTo(new ImapRequest.Login("a", "j\u00F6rg", "x"));
    }

    @Test
    void enableAndId() {
        assertThat((ImapRequest) ok("a ENABLE imap4rev2 CONDSTORE"))
                .isEqualTo(new ImapRequest.Enable("a", List.of("IMAP4REV2", "CONDSTORE")));
        err("a ENABLE");
        assertThat((ImapRequest) ok("a ID NIL")).isEqualTo(new ImapRequest.Id("a", null));
        assertThat((ImapRequest) ok("a ID (\"name\" \"sodr\" \"version\" NIL)")).isEqualTo(new ImapRequest.Id("a",
                List.of(new ImapRequest.IdParam("name", "sodr"), new ImapRequest.IdParam("version", null))));
        err("a ID (\"name\")");
    }

    @Test
    void selectWithCondstoreAndQresync() {
        assertThat((ImapRequest) ok("a EXAMINE \"Sent\" (CONDSTORE)"))
                .isEqualTo(new ImapRequest.Select("a", "Sent", true, true, null));
        ImapRequest.Select s = ok("A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))");
        assertThat(s.qresync().uidValidity()).isEqualTo(67890007);
        assertThat(s.qresync().modSeq()).isEqualTo(20050715194045000L);
        assertThat(s.qresync().knownUids().toString()).isEqualTo("41,43:211,214:541");
        ImapRequest.Select s2 = ok("B04 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500,9000,9990:9999 15000,22500,27000,29970,29973,29976,29979,29982,29985,29988,29991,29994,29997)))");
        assertThat(s2.qresync().knownSequences().toString()).isEqualTo("5000,7500,9000,9990:9999");
        ImapRequest.Select s3 = ok("a SELECT INBOX (QRESYNC (1 2))");
        assertThat(s3.qresync().knownUids()).isNull();
        err("a SELECT INBOX (QRESYNC (1))");
        err("a SELECT INBOX (FOO)");
    }

    @Test
    void mailboxesInBothModes() {
        ImapRequest.Create c = (ImapRequest.Create) ((ParseResult.Parsed) Parse.result("a CREATE \"~peter/mail/&U,BTFw-/&ZeVnLIqe-\"\r\n", false)).request();
        assertThat(c.mailbox()).isEqualTo("~peter/mail/\u53F0\u5317/\u65E5\u672C\u8A9E");
        ImapRequest.Create u = ok("a CREATE \"~peter/mail/&U,BTFw-\"");
        assertThat(u.mailbox()).isEqualTo("~peter/mail/&U,BTFw-"); // UTF-8 mode takes the name as is
        assertThat(Parse.result("a CREATE &Jjo!\r\n", false)).isInstanceOf(ParseError.Bad.class);
        ImapRequest.Create su = ok("a CREATE MySent (USE (\\sent \\Archive))");
        assertThat(su.specialUse()).containsExactly("\\Sent", "\\Archive");
        assertThat((ImapRequest) ok("a RENAME inbox Old")).isEqualTo(new ImapRequest.Rename("a", "INBOX", "Old"));
        assertThat((ImapRequest) ok("a DELETE foo")).isEqualTo(new ImapRequest.Delete("a", "foo"));
        assertThat((ImapRequest) ok("a SUBSCRIBE \"a b\"")).isEqualTo(new ImapRequest.Subscribe("a", "a b"));
        assertThat((ImapRequest) ok("a UNSUBSCRIBE x]")).isEqualTo(new ImapRequest.Unsubscribe("a", "x]"));
        err("a DELETE (foo)");
        err("a DELETE \"a\u0001b\"");
    }

    @Test
    void listForms() {
        ImapRequest.ListMailboxes l = ok("A101 LIST \"\" \"\"");
        assertThat(l.patterns()).containsExactly("");
        assertThat(l.extended()).isFalse();
        ImapRequest.ListMailboxes l2 = ok("A02 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (\"%\" Foo/*) RETURN (CHILDREN STATUS (MESSAGES UNSEEN))");
        assertThat(l2.selection()).containsExactlyInAnyOrder(ImapRequest.ListSelect.SUBSCRIBED, ImapRequest.ListSelect.RECURSIVEMATCH);
        assertThat(l2.patterns()).containsExactly("%", "Foo/*");
        assertThat(l2.returns()).containsExactlyInAnyOrder(ImapRequest.ListReturn.CHILDREN, ImapRequest.ListReturn.STATUS);
        assertThat(l2.statusItems()).containsExactly(ImapRequest.StatusItem.MESSAGES, ImapRequest.StatusItem.UNSEEN);
        assertThat(l2.extended()).isTrue();
        ImapRequest.ListMailboxes l3 = ok("t1 LIST \"\" % RETURN (SPECIAL-USE)");
        assertThat(l3.returns()).containsExactly(ImapRequest.ListReturn.SPECIAL_USE);
        ImapRequest.ListMailboxes l4 = ok("t1 LIST (SPECIAL-USE) \"\" *");
        assertThat(l4.selection()).containsExactly(ImapRequest.ListSelect.SPECIAL_USE);
        err("a LIST (RECURSIVEMATCH) \"\" *");
        err("a LIST \"\" * FOO (X)");
        assertThat((ImapRequest) ok("a LSUB \"#news.\" \"comp.mail.*\"")).isEqualTo(new ImapRequest.Lsub("a", "#news.", "comp.mail.*"));
    }

    @Test
    void statusAndQuota() {
        assertThat((ImapRequest) ok("A042 STATUS blurdybloop (UIDNEXT MESSAGES size highestmodseq appendlimit mailboxid)"))
                .isEqualTo(new ImapRequest.Status("A042", "blurdybloop", List.of(ImapRequest.StatusItem.UIDNEXT,
                        ImapRequest.StatusItem.MESSAGES, ImapRequest.StatusItem.SIZE, ImapRequest.StatusItem.HIGHESTMODSEQ,
                        ImapRequest.StatusItem.APPENDLIMIT, ImapRequest.StatusItem.MAILBOXID)));
        err("a STATUS INBOX (FOO)");
        err("a STATUS INBOX ()");
        assertThat((ImapRequest) ok("G0001 GETQUOTA \"!partition/sda4\"")).isEqualTo(new ImapRequest.GetQuota("G0001", "!partition/sda4"));
        assertThat((ImapRequest) ok("G0002 GETQUOTAROOT INBOX")).isEqualTo(new ImapRequest.GetQuotaRoot("G0002", "INBOX"));
        assertThat((ImapRequest) ok("S0000 SETQUOTA \"User quota\" (STORAGE 510 message 2)")).isEqualTo(new ImapRequest.SetQuota("S0000",
                "User quota", List.of(new ImapRequest.QuotaLimit("STORAGE", 510), new ImapRequest.QuotaLimit("MESSAGE", 2))));
        assertThat((ImapRequest) ok("a COMPRESS deflate")).isEqualTo(new ImapRequest.Compress("a", "DEFLATE"));
    }

    @Test
    void append() {
        ImapRequest.Append a = ok("A003 APPEND saved-messages (\\Seen) \"17-Jul-1996 02:44:25 -0700\" {10+}\r\nHello Joe!");
        ImapRequest.AppendMessage m = a.messages().getFirst();
        assertThat(m.flags()).containsExactly("\\Seen");
        assertThat(m.internalDate()).isEqualTo(OffsetDateTime.of(1996, 7, 17, 2, 44, 25, 0, ZoneOffset.ofHours(-7)));
        assertThat(new String(m.content())).isEqualTo("Hello Joe!");
        ImapRequest.Append multi = ok("a APPEND INBOX {1+}\r\nx () \" 7-Jul-1996 02:44:25 +0000\" {1+}\r\ny UTF8 (~{1+}\r\nz)");
        assertThat(multi.messages()).hasSize(3);
        assertThat(multi.messages().get(1).internalDate().getDayOfMonth()).isEqualTo(7);
        assertThat(multi.messages().get(2).utf8()).isTrue();
        err("a APPEND INBOX \"text\"");
        err("a APPEND INBOX (\\Recent) {1+}\r\nx");
        err("a APPEND INBOX \"31-Feb-1996 02:44:25 -0700\" {1+}\r\nx");
        err("a APPEND INBOX {1+}\r\nx extra");
    }

    @Test
    void fetchForms() {
        ImapRequest.Fetch f = ok("a UID FETCH 1:* (FLAGS BODY.PEEK[1.2.HEADER.FIELDS (from To)]<0.1024> BINARY[1]<5.10> BINARY.SIZE[2] RFC822.HEADER MODSEQ EMAILID THREADID BODYSTRUCTURE) (CHANGEDSINCE 12345 VANISHED)");
        assertThat(f.uid()).isTrue();
        assertThat(f.set().toString()).isEqualTo("1:*");
        FetchAttribute.BodySection bs = (FetchAttribute.BodySection) f.attributes().get(1);
        assertThat(bs.peek()).isTrue();
        assertThat(bs.partial()).isEqualTo(new Partial(0, 1024));
        assertThat(bs.section().wireName()).isEqualTo("1.2.HEADER.FIELDS (FROM TO)");
        assertThat(f.attributes().get(2)).isEqualTo(new FetchAttribute.Binary(List.of(1), false, new Partial(5, 10)));
        assertThat(f.attributes().get(3)).isEqualTo(new FetchAttribute.BinarySize(List.of(2)));
        assertThat(((FetchAttribute.BodySection) f.attributes().get(4)).legacyName()).isEqualTo("RFC822.HEADER");
        assertThat(f.changedSince()).isEqualTo(12345);
        assertThat(f.vanished()).isTrue();
        ImapRequest.Fetch m = ok("a FETCH 2,4 (BODY[3.MIME] BODY[TEXT] BODY[] BODY)");
        assertThat(((FetchAttribute.BodySection) m.attributes().get(0)).section().wireName()).isEqualTo("3.MIME");
        assertThat(((FetchAttribute.BodySection) m.attributes().get(2)).section().wireName()).isEqualTo("");
        assertThat(m.attributes().get(3)).isEqualTo(new FetchAttribute.Body());
        ImapRequest.Fetch saved = ok("a FETCH $ fast");
        assertThat(saved.set().saved()).isTrue();
        err("a FETCH 1 (VANISHED)");
        err("a FETCH 1 FLAGS (CHANGEDSINCE 1 VANISHED)"); // VANISHED needs UID FETCH
        err("a FETCH 0 FLAGS");
        err("a FETCH 1 BODY[MIME]");
        err("a FETCH 1 BODY[HEADER.FIELDS ()]");
        err("a FETCH 1 (FLAGS");
        err("a FETCH 1 BODY[1]<1>");
        err("a FETCH 1 FOO");
        err("a FETCH 4294967296 FLAGS");
    }

    @Test
    void storeForms() {
        ImapRequest.Store s = ok("a UID STORE 1:3 (UNCHANGEDSINCE 320162338) -FLAGS.SILENT (\\Seen $Forwarded)");
        assertThat(s).isEqualTo(new ImapRequest.Store("a", true, new SequenceSet(List.of(new SequenceSet.Range(1, 3)), false),
                320162338, ImapRequest.StoreMode.REMOVE, true, List.of("\\Seen", "$Forwarded")));
        ImapRequest.Store empty = ok("a STORE 1 FLAGS ()");
        assertThat(empty.flags()).isEmpty();
        err("a STORE 1 +FLAGS \\Bogus");
        err("a STORE 1 LABELS (x)");
        err("a STORE 1 FLAGS \\Recent");
    }

    @Test
    void copyMove() {
        assertThat((ImapRequest) ok("a UID MOVE 42:69 foo")).isEqualTo(new ImapRequest.Move("a", true,
                new SequenceSet(List.of(new SequenceSet.Range(42, 69)), false), "foo"));
        assertThat((ImapRequest) ok("a COPY 2:4 MEETING")).isEqualTo(new ImapRequest.Copy("a", false,
                new SequenceSet(List.of(new SequenceSet.Range(2, 4)), false), "MEETING"));
        err("a COPY foo bar");
    }

    @Test
    void searchKeys() {
        ImapRequest.Search s = ok("A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"");
        assertThat(s.returns()).isEqualTo(Set.of(ImapRequest.SearchReturn.MIN, ImapRequest.SearchReturn.COUNT));
        assertThat(s.key()).isEqualTo(new SearchKey.And(List.of(new SearchKey.Flag("\\Flagged", true),
                new SearchKey.Date(DateField.INTERNAL, DateComparison.SINCE, LocalDate.of(1994, 2, 1)),
                new SearchKey.Not(new SearchKey.Header("From", "Smith")))));
        ImapRequest.Search all = ok("a UID SEARCH CHARSET utf-8 OR (UNSEEN LARGER 100) (KEYWORD $x SMALLER 5) HEADER X-Foo \"\" 1:5,* UID $ MODSEQ \"/flags/\\\\draft\" all 620162338 OLDER 3600 YOUNGER 60 EMAILID M6d99ac3275bb4e THREADID T64b478a75b7ea9 SENTON \"3-Mar-2020\" BODY {3+}\r\nb\u00E4 TEXT x NEW OLD RECENT ALL");
        assertThat(all.uid()).isTrue();
        assertThat(all.charset()).isEqualTo("UTF-8");
        List<SearchKey> keys = ((SearchKey.And) all.key()).keys();
        assertThat(keys.get(0)).isEqualTo(new SearchKey.Or(
                new SearchKey.And(List.of(new SearchKey.Flag("\\Seen", false), new SearchKey.Size(true, 100))),
                new SearchKey.And(List.of(new SearchKey.Flag("$x", true), new SearchKey.Size(false, 5)))));
        assertThat(keys.get(1)).isEqualTo(new SearchKey.Header("X-Foo", ""));
        assertThat(keys.get(2)).isInstanceOf(SearchKey.Sequence.class);
        assertThat(keys.get(3)).isEqualTo(new SearchKey.Uid(SequenceSet.savedResult()));
        assertThat(keys.get(4)).isEqualTo(new SearchKey.ModSeq(620162338));
        assertThat(keys.get(5)).isEqualTo(new SearchKey.Age(true, 3600));
        assertThat(keys.get(6)).isEqualTo(new SearchKey.Age(false, 60));
        assertThat(keys.get(7)).isEqualTo(new SearchKey.EmailId("M6d99ac3275bb4e"));
        assertThat(keys.get(8)).isEqualTo(new SearchKey.ThreadId("T64b478a75b7ea9"));
        assertThat(keys.get(9)).isEqualTo(new SearchKey.Date(DateField.SENT, DateComparison.ON, LocalDate.of(2020, 3, 3)));
        assertThat(keys.get(10)).isEqualTo(new SearchKey.Text(TextField.BODY, "b\u00E4"));
        assertThat(keys.subList(12, 16)).containsExactly(new SearchKey.New(), new SearchKey.Old(), new SearchKey.Recent(), new SearchKey.All());
        byte[] wire = "a SEARCH CHARSET ISO-8859-1 SUBJECT {1+}\r\n\u00E4\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        ImapRequest.Search latin = (ImapRequest.Search) ((ParseResult.Parsed) new CommandParser().parse(((ReadResult.Complete)
                assertReads(wire)).command(), true)).request();
        assertThat(latin.charset()).isEqualTo("ISO-8859-1");
        assertThat(((SearchKey.And) latin.key()).keys()).containsExactly(new SearchKey.Header("Subject", "\u00E4"));
        ImapRequest.Search plain = ok("a SEARCH all");
        assertThat(plain.returns()).isNull();
        ImapRequest.Search empty = ok("a SEARCH RETURN () ALL");
        assertThat(empty.returns()).isEmpty();
    }

    private static ReadResult assertReads(byte[] wire) {
        try {
            return new ImapReader(ReaderLimits.defaults()).read(new ByteArraySource(wire));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void searchErrors() {
        ParseError cs = err("a SEARCH CHARSET X-NOPE-9 ALL");
        assertThat(cs).isInstanceOf(ParseError.Rejected.class);
        assertThat(cs.code()).isEqualTo("BADCHARSET (UTF-8 US-ASCII)");
        err("a SEARCH");
        err("a SEARCH FOO");
        err("a SEARCH SINCE 30-Feb-2020");
        err("a SEARCH SINCE 1-Foo-2020");
        err("a SEARCH (ALL");
        err("a SEARCH OR ALL");
        err("a SEARCH RETURN (PARTIAL 1:10) ALL");
        err("a SEARCH EMAILID a.b");
        err("a SEARCH LARGER x");
        ParseError deep = err("a SEARCH " + "(".repeat(200) + "ALL" + ")".repeat(200));
        assertThat(deep.text()).contains("nested too deeply");
        assertThat(err("a SEARCH " + "NOT ".repeat(500) + "ALL").text()).contains("nested too deeply");
    }

    @Test
    void sortAndThread() {
        ImapRequest.Sort s = ok("A283 SORT RETURN (COUNT) (REVERSE DATE subject) UTF-8 SINCE 1-Feb-1994");
        assertThat(s.criteria()).containsExactly(new ImapRequest.SortCriterion(ImapRequest.SortKey.DATE, true),
                new ImapRequest.SortCriterion(ImapRequest.SortKey.SUBJECT, false));
        assertThat(s.returns()).containsExactly(ImapRequest.SearchReturn.COUNT);
        assertThat(s.charset()).isEqualTo("UTF-8");
        ImapRequest.Sort d = ok("a UID SORT (DISPLAYFROM ARRIVAL) US-ASCII ALL");
        assertThat(d.uid()).isTrue();
        ImapRequest.Thread t = ok("A284 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000");
        assertThat(t.algorithm()).isEqualTo(ImapRequest.ThreadAlgorithm.ORDEREDSUBJECT);
        ImapRequest.Thread r = ok("a UID THREAD references us-ascii ALL");
        assertThat(r.algorithm()).isEqualTo(ImapRequest.ThreadAlgorithm.REFERENCES);
        err("a SORT (FOO) UTF-8 ALL");
        err("a SORT (DATE) ALL");
        err("a THREAD X UTF-8 ALL");
        err("a SORT () UTF-8 ALL");
    }
}
