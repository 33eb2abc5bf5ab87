package org.mailslot.protocols.imap.response;

import org.junit.jupiter.api.Test;
import org.mailslot.protocols.imap.parse.ByteArraySource;
import org.mailslot.protocols.imap.parse.CommandParser;
import org.mailslot.protocols.imap.parse.ImapReader;
import org.mailslot.protocols.imap.parse.ImapRequest;
import org.mailslot.protocols.imap.parse.ParseError;
import org.mailslot.protocols.imap.parse.ParseResult;
import org.mailslot.protocols.imap.parse.ReadResult;
import org.mailslot.protocols.imap.parse.ReaderLimits;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ResponseWriterTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ResponseWriter w = new ResponseWriter(out);

    private String written() throws IOException {
        w.flush();
        String s = out.toString(StandardCharsets.UTF_8);
        out.reset();
        return s;
    }

    @Test
    void statusLines() throws IOException {
        w.ok("a1", "READ-WRITE", "SELECT completed");
        w.no("a2", null, "no such\r\nmailbox");
        w.untagged(ResponseStatus.OK, "UIDVALIDITY 3857529045", "UIDs valid");
        w.continuation("Ready");
        w.bad("a3", null, "");
        assertThat(written()).isEqualTo("a1 OK [READ-WRITE] SELECT completed\r\na2 NO no such  mailbox\r\n"
                + "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n+ Ready\r\na3 BAD bad\r\n");
    }

    @Test
    void parseErrors() throws IOException {
        w.error(new ParseError.Bad(null, "Invalid tag"));
        w.error(new ParseError.Bad("a", "TOOBIG", "too big"));
        w.error(new ParseError.Rejected("b", "TOOBIG", "Literal too big"));
        w.error(new ParseError.Fatal("c", "Literal too big"));
        assertThat(written()).isEqualTo("* BAD Invalid tag\r\na BAD [TOOBIG] too big\r\nb NO [TOOBIG] Literal too big\r\n* BYE Literal too big\r\n");
    }

    @Test
    void values() throws IOException {
        w.start().atom("LIST").open().raw("\\HasNoChildren").close().string("/").mailbox("Entw\u00FCrfe").end();
        w.start().number(12).atom("FETCH").open().item("FLAGS").flags(List.of("\\Seen", "bad flag", "$Fwd")).item("UID").number(7)
                .item("BODY[]").literal("a\"b".getBytes()).item("X").nstring(null).item("Y").string("q\"\\").close().end();
        w.esearch("t", true, 1, 9, 4, new long[]{1, 2, 3, 9}, -1);
        w.start().atom("SEARCH").sequenceSet(new long[]{1, 2, 3, 5, 7, 8}).end();
        w.start().astring("INBOX").astring("a b").astring("").end();
        w.beginFetch(3).item("BINARY[1]").literal8(new byte[]{0, 1}).endFetch();
        assertThat(written()).isEqualTo("* LIST (\\HasNoChildren) \"/\" \"Entw&APw-rfe\"\r\n"
                + "* 12 FETCH (FLAGS (\\Seen $Fwd) UID 7 BODY[] {3}\r\na\"b X NIL Y \"q\\\"\\\\\")\r\n"
                + "* ESEARCH (TAG \"t\") UID MIN 1 MAX 9 ALL 1:3,9 COUNT 4\r\n"
                + "* SEARCH 1:3,5,7:8\r\n"
                + "* INBOX \"a b\" \"\"\r\n"
                + "* 3 FETCH (BINARY[1] ~{2}\r\n\0\u0001)\r\n");
        w.utf8(true);
        w.start().mailbox("Entw\u00FCrfe").string("\u00E9").end();
        assertThat(written()).isEqualTo("* \"Entw\u00FCrfe\" \"\u00E9\"\r\n");
        w.utf8(false);
        w.start().string("\u00E9").string("a\r\nb").end();
        assertThat(written()).isEqualTo("* {2}\r\n\u00E9 {4}\r\na\r\nb\r\n");
    }

    @Test
    void compactSets() {
        assertThat(SequenceSets.compact(new long[]{})).isEmpty();
        assertThat(SequenceSets.compact(new long[]{4})).isEqualTo("4");
        assertThat(SequenceSets.compact(new long[]{5, 6, 7, 1, 2})).isEqualTo("5:7,1:2");
    }

    /** Any string the writer emits reads back as the same string through our own reader and parser. */
    @Test
    void stringsRoundTripThroughTheParser() throws IOException {
        Random rnd = new Random(42);
        ImapReader reader = new ImapReader(ReaderLimits.defaults());
        CommandParser parser = new CommandParser();
        for (int i = 0; i < 20_000; i++) {
            String s = randomString(rnd);
            boolean utf8 = rnd.nextBoolean();
            w.utf8(utf8);
            ByteArrayOutputStream cmd = new ByteArrayOutputStream();
            cmd.writeBytes("t LOGIN".getBytes());
            w.start().string(s).astring(s).end();
            w.flush();
            byte[] line = out.toByteArray();
            out.reset();
            cmd.write(line, 1, line.length - 1); // drop the "*"
            ReadResult r = reader.read(new ByteArraySource(cmd.toByteArray()));
            ParseResult p = parser.parse(((ReadResult.Complete) r).command(), utf8);
            assertThat(p).as("input %s", s).isInstanceOf(ParseResult.Parsed.class);
            ImapRequest.Login login = (ImapRequest.Login) ((ParseResult.Parsed) p).request();
            String expected = s.replace('\0', '\uFFFD');
            assertThat(login.user()).isEqualTo(expected);
            assertThat(login.password()).isEqualTo(expected);
        }
    }

    @Test
    void sessionResponses() throws IOException {
        w.fetchFlags(4, 17, List.of("\\Seen", "$Label1"), 9);
        w.fetchFlags(5, -1, List.of(), -1);
        w.fetchFlags(6, 18, null, 10);
        w.count(3, "EXISTS");
        w.vanished(true, new long[]{1, 2, 3, 7});
        w.vanished(false, new long[]{4});
        w.vanished(false, new long[0]);
        w.start().atom("LIST").flags(List.of("\\HasNoChildren")).string("/").mailbox("INBOX").end();
        w.untagged(ResponseStatus.OK, "COPYUID 5 1:2 7:8", "Moved");
        w.continuation("");
        assertThat(written()).isEqualTo("* 4 FETCH (UID 17 FLAGS (\\Seen $Label1) MODSEQ (9))\r\n"
                + "* 5 FETCH (FLAGS ())\r\n"
                + "* 6 FETCH (UID 18 MODSEQ (10))\r\n"
                + "* 3 EXISTS\r\n"
                + "* VANISHED (EARLIER) 1:3,7\r\n"
                + "* VANISHED 4\r\n"
                + "* LIST (\\HasNoChildren) \"/\" INBOX\r\n"
                + "* OK [COPYUID 5 1:2 7:8] Moved\r\n"
                + "+ \r\n");
    }

    /** Message bytes go out as stored: NUL kept and counted (BODY[]), literal8 when asked; prebuilt data as UTF-8. */
    @Test
    void messageLiterals() throws IOException {
        byte[] body = "xa\0b\r\ny".getBytes(StandardCharsets.ISO_8859_1);
        byte[] big = new byte[20_000];
        java.util.Arrays.fill(big, (byte) 'z');
        w.beginFetch(1).item("BODY[]").literal(body, 1, 5, false).item("BINARY[]").literal(body, 1, 2, true)
                .item("ENVELOPE").prebuilt("(\"\u00E9\" NIL)").endFetch();
        w.beginFetch(2).item("BODY[]").literal(big, 0, big.length, false).endFetch();
        w.beginFetch(3).item("BODY[]").literal(new java.io.ByteArrayInputStream(body), 3, false).item("UID").number(1)
                .endFetch();
        assertThat(written()).isEqualTo("* 1 FETCH (BODY[] {5}\r\na\0b\r\n BINARY[] ~{2}\r\na\0 ENVELOPE (\"\u00E9\" NIL))\r\n"
                + "* 2 FETCH (BODY[] {20000}\r\n" + "z".repeat(20_000) + ")\r\n"
                + "* 3 FETCH (BODY[] {3}\r\nxa\0 UID 1)\r\n");
    }

    /** Mailbox names written in a rev1 session parse back to the same Unicode name in a rev1 session, and in rev2. */
    @Test
    void mailboxNamesRoundTrip() throws IOException {
        Random rnd = new Random(5);
        ImapReader reader = new ImapReader(ReaderLimits.defaults());
        CommandParser parser = new CommandParser();
        for (int i = 0; i < 10_000; i++) {
            String name = randomString(rnd).replaceAll("[\\x00-\\x1f\\x7f]", "x");
            if (name.equalsIgnoreCase("INBOX")) continue;
            boolean utf8 = rnd.nextBoolean();
            w.utf8(utf8);
            w.start().mailbox(name).end();
            w.flush();
            byte[] line = out.toByteArray();
            out.reset();
            ByteArrayOutputStream cmd = new ByteArrayOutputStream();
            cmd.writeBytes("t DELETE".getBytes());
            cmd.write(line, 1, line.length - 1);
            ReadResult r = reader.read(new ByteArraySource(cmd.toByteArray()));
            ParseResult p = parser.parse(((ReadResult.Complete) r).command(), utf8);
            assertThat(p).as("name %s", name).isInstanceOf(ParseResult.Parsed.class);
            assertThat(((ImapRequest.Delete) ((ParseResult.Parsed) p).request()).mailbox()).isEqualTo(name);
        }
    }

    private static String randomString(Random rnd) {
        StringBuilder sb = new StringBuilder();
        int n = rnd.nextInt(rnd.nextInt(10) == 0 ? 2000 : 20);
        String specials = "\"\\(){}[]%* \r\n\0~+&";
        for (int k = 0; k < n; k++) {
            switch (rnd.nextInt(4)) {
                case 0 -> sb.append(specials.charAt(rnd.nextInt(specials.length())));
                case 1 -> sb.append((char) (0x20 + rnd.nextInt(0x5f)));
                case 2 -> sb.append((char) (0xA0 + rnd.nextInt(0x2000)));
                default -> sb.appendCodePoint(0x1F600 + rnd.nextInt(50));
            }
        }
        return sb.toString();
    }
}
