package org.mailslot.protocols.imap.parse;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Random and mutated commands: the reader and parser answer every input with a result, never an exception or a hang. */
class ParserFuzzTest {
    private static final String[] SEEDS = {
            "a1 LOGIN alice secret\r\n",
            "a2 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541 (1:5 1:5)))\r\n",
            "a3 UID FETCH 1:* (FLAGS BODY.PEEK[1.2.HEADER.FIELDS (From To)]<0.1024> BINARY[1] RFC822.SIZE) (CHANGEDSINCE 5 VANISHED)\r\n",
            "a4 UID SEARCH RETURN (MIN MAX) CHARSET UTF-8 OR (UNSEEN LARGER 100) NOT (KEYWORD $x) SINCE 1-Feb-1994 HEADER X \"y\" UID 1:5,*\r\n",
            "a5 APPEND INBOX (\\Seen) \"17-Jul-1996 02:44:25 -0700\" {10+}\r\nHello Joe! {3}\r\nabc\r\n",
            "a6 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (\"%\" Foo/*) RETURN (CHILDREN STATUS (MESSAGES UNSEEN))\r\n",
            "a7 STORE 1:3 (UNCHANGEDSINCE 3) -FLAGS.SILENT (\\Seen $Forwarded)\r\n",
            "a8 SORT RETURN (COUNT) (REVERSE DATE SUBJECT) UTF-8 SINCE 1-Feb-1994\r\n",
            "a9 ID (\"name\" \"x\" \"version\" NIL)\r\n",
            "b1 CREATE \"~peter/mail/&U,BTFw-/&ZeVnLIqe-\" (USE (\\Sent))\r\n",
            "b2 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==\r\n",
            "b3 SETQUOTA \"\" (STORAGE 512)\r\n",
            "b4 THREAD REFERENCES UTF-8 ALL\r\n",
            "b5 APPEND INBOX UTF8 (~{3+}\r\na\0b)\r\n",
            "b6 SEARCH SUBJECT {4}\r\ntest MODSEQ \"/flags/\\\\draft\" all 5\r\n",
    };
    private static final byte[] SPECIALS = "(){}[]<>\"\\ *%$+-~.:,0123456789\r\n\0\u00ffA".getBytes(StandardCharsets.ISO_8859_1);

    private final ReaderLimits limits = new ReaderLimits(1024, 4096, 16384, true);
    private final ImapReader reader = new ImapReader(limits);
    private final CommandParser parser = new CommandParser(16);

    @Test
    void mutatedCommands() throws IOException {
        Random rnd = new Random(20240601);
        for (int i = 0; i < 30_000; i++) {
            byte[] seed = SEEDS[rnd.nextInt(SEEDS.length)].getBytes(StandardCharsets.ISO_8859_1);
            run(mutate(seed, rnd), rnd.nextBoolean());
        }
    }

    @Test
    void randomBytes() throws IOException {
        Random rnd = new Random(99);
        for (int i = 0; i < 10_000; i++) {
            byte[] b = new byte[rnd.nextInt(200)];
            for (int k = 0; k < b.length; k++) {
                b[k] = rnd.nextInt(3) == 0 ? (byte) rnd.nextInt(256) : SPECIALS[rnd.nextInt(SPECIALS.length)];
            }
            run(("x " + new String(b, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1), rnd.nextBoolean());
        }
    }

    @Test
    void pathologicalInputs() throws IOException {
        run(("a SEARCH " + "(".repeat(5000) + "\r\n").getBytes(), true);
        run(("a SEARCH " + "NOT ".repeat(2000) + "ALL\r\n").getBytes(), true);
        run(("a FETCH " + "1,".repeat(400) + "1 FLAGS\r\n").getBytes(), true);
        run(("a LOGIN " + "{1+}\r\nx ".repeat(3000) + "\r\n").getBytes(), true);
        run("a LOGIN {4294967296}\r\n".getBytes(), true);
        run("\r\n".repeat(1000).getBytes(), true);
    }

    private void run(byte[] input, boolean utf8) throws IOException {
        ByteArraySource src = new ByteArraySource(input);
        for (int guard = 0; guard < 10_000; guard++) {
            ReadResult r = reader.read(src);
            switch (r) {
                case ReadResult.EndOfStream e -> {
                    return;
                }
                case ParseError e -> {
                    assertThat(e.text()).isNotBlank();
                    if (e.fatal()) return;
                }
                case ReadResult.Complete c -> {
                    assertThat(c.command().size()).isLessThanOrEqualTo(limits.maxCommandSize());
                    ParseResult p = parser.parse(c.command(), utf8);
                    assertThat(p).isNotNull();
                    if (p instanceof ParseError e) assertThat(e.fatal()).isFalse();
                }
            }
            if (src.exhausted()) return;
        }
        throw new AssertionError("reader did not make progress on " + new String(input, StandardCharsets.ISO_8859_1));
    }

    private static byte[] mutate(byte[] seed, Random rnd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(seed);
        byte[] b = out.toByteArray();
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits; e++) {
            if (b.length == 0) break;
            int at = rnd.nextInt(b.length);
            switch (rnd.nextInt(6)) {
                case 0 -> b[at] = SPECIALS[rnd.nextInt(SPECIALS.length)];
                case 1 -> b[at] = (byte) rnd.nextInt(256);
                case 2 -> b = splice(b, at, new byte[]{SPECIALS[rnd.nextInt(SPECIALS.length)]});
                case 3 -> b = java.util.Arrays.copyOf(b, at);
                case 4 -> {
                    String lit = rnd.nextBoolean() ? "{" + rnd.nextInt(6000) + (rnd.nextBoolean() ? "+" : "") + "}\r\n" : "~{2+}\r\n";
                    b = splice(b, at, lit.getBytes(StandardCharsets.ISO_8859_1));
                }
                default -> {
                    int from = rnd.nextInt(b.length);
                    int len = Math.min(b.length - from, rnd.nextInt(20));
                    b = splice(b, at, java.util.Arrays.copyOfRange(b, from, from + len));
                }
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int at, byte[] insert) {
        byte[] r = new byte[b.length + insert.length];
        System.arraycopy(b, 0, r, 0, at);
        System.arraycopy(insert, 0, r, at, insert.length);
        System.arraycopy(b, at, r, at + insert.length, b.length - at);
        return r;
    }
}
