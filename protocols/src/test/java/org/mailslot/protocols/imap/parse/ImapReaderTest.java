package org.mailslot.protocols.imap.parse;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

class ImapReaderTest {
    private static final ReaderLimits SMALL = new ReaderLimits(1024, 10_000, 20_000, false);
    private static final ReaderLimits MINUS = new ReaderLimits(1024, 10_000, 20_000, true);

    private static ReadResult read(ReaderLimits limits, ByteArraySource src) throws IOException {
        return new ImapReader(limits).read(src);
    }

    @Test
    void plainCommand() throws IOException {
        ByteArraySource src = new ByteArraySource("a1 NOOP\r\n");
        ReadResult r = read(SMALL, src);
        assertThat(r).isInstanceOf(ReadResult.Complete.class);
        assertThat(((ReadResult.Complete) r).command().tag()).isEqualTo("a1");
        assertThat(read(SMALL, src)).isInstanceOf(ReadResult.EndOfStream.class);
    }

    @Test
    void synchronizingLiteralAsksForContinuation() throws IOException {
        ByteArraySource src = new ByteArraySource("a LOGIN {5}\r\nalice {6+}\r\nsecret\r\nb NOOP\r\n");
        ReadResult r = read(SMALL, src);
        assertThat(src.continuations()).isEqualTo(1);
        ImapRequest.Login login = (ImapRequest.Login) ((ParseResult.Parsed) new CommandParser()
                .parse(((ReadResult.Complete) r).command(), true)).request();
        assertThat(login.user()).isEqualTo("alice");
        assertThat(login.password()).isEqualTo("secret");
        assertThat(((ReadResult.Complete) read(SMALL, src)).command().tag()).isEqualTo("b");
    }

    @Test
    void literalWithQuotedBraceIsNotALiteral() throws IOException {
        ByteArraySource src = new ByteArraySource("a LOGIN \"x {5}\" y\r\n");
        assertThat(read(SMALL, src)).isInstanceOf(ReadResult.Complete.class);
        assertThat(src.continuations()).isZero();
    }

    @Test
    void overLongLineIsBadAndSkipped() throws IOException {
        String longLine = "a1 LOGIN " + "x".repeat(3000) + "\r\n";
        ByteArraySource src = new ByteArraySource(longLine + "a2 NOOP\r\n");
        ReadResult r = read(SMALL, src);
        assertThat(r).isInstanceOfSatisfying(ParseError.Bad.class, b -> {
            assertThat(b.tag()).isEqualTo("a1");
            assertThat(b.text()).contains("too long");
        });
        assertThat(((ReadResult.Complete) read(SMALL, src)).command().tag()).isEqualTo("a2");
    }

    @Test
    void tooBigSynchronizingLiteralIsRefusedBeforeItIsSent() throws IOException {
        ByteArraySource src = new ByteArraySource("a APPEND INBOX {10001}\r\nb NOOP\r\n");
        ReadResult r = read(SMALL, src);
        assertThat(r).isEqualTo(new ParseError.Rejected("a", "TOOBIG", "Literal too big (at most 10000 octets)"));
        assertThat(src.continuations()).isZero();
        assertThat(((ReadResult.Complete) read(SMALL, src)).command().tag()).isEqualTo("b");
    }

    @Test
    void tooBigNonSynchronizingLiteralIsFatal() throws IOException {
        ReadResult r = read(SMALL, new ByteArraySource("a APPEND INBOX {10001+}\r\n" + "x".repeat(10001) + "\r\n"));
        assertThat(r).isInstanceOfSatisfying(ParseError.Fatal.class, f -> assertThat(f.fatal()).isTrue());
    }

    @Test
    void literalMinusRefuses4097ButKeepsTheConnection() throws IOException {
        ByteArraySource ok = new ByteArraySource("a APPEND INBOX {4096+}\r\n" + "x".repeat(4096) + "\r\n");
        assertThat(read(MINUS, ok)).isInstanceOf(ReadResult.Complete.class);
        ByteArraySource src = new ByteArraySource("a APPEND INBOX {4097+}\r\n" + "x".repeat(4097) + "\r\nb NOOP\r\n");
        ReadResult r = read(MINUS, src);
        assertThat(r).isInstanceOfSatisfying(ParseError.Bad.class, b -> {
            assertThat(b.code()).isEqualTo("TOOBIG");
            assertThat(b.fatal()).isFalse();
        });
        assertThat(((ReadResult.Complete) read(MINUS, src)).command().tag()).isEqualTo("b");
        // with LITERAL+ the same literal is fine
        assertThat(read(SMALL, new ByteArraySource("a APPEND INBOX {4097+}\r\n" + "x".repeat(4097) + "\r\n")))
                .isInstanceOf(ReadResult.Complete.class);
    }

    @Test
    void totalCommandSizeCountsLiterals() throws IOException {
        String lit = "x".repeat(9000);
        String wire = "a APPEND INBOX {9000+}\r\n" + lit + " {9000+}\r\n" + lit + " {9000+}\r\n" + lit + "\r\n";
        ReadResult r = read(SMALL, new ByteArraySource(wire));
        assertThat(r).isInstanceOf(ParseError.Fatal.class);
        assertThat(((ParseError) r).text()).contains("Command too big");
    }

    @Test
    void literal8AndEndOfStream() throws IOException {
        ReadResult r = read(SMALL, new ByteArraySource("a APPEND INBOX ~{3+}\r\na\0b\r\n"));
        ImapRequest.Append append = (ImapRequest.Append) ((ParseResult.Parsed) new CommandParser()
                .parse(((ReadResult.Complete) r).command(), true)).request();
        assertThat(append.messages().getFirst().binary()).isTrue();
        assertThat(append.messages().getFirst().content()).containsExactly('a', 0, 'b');
        assertThat(read(SMALL, new ByteArraySource("a APPEND INBOX {10+}\r\nabc"))).isInstanceOf(ReadResult.EndOfStream.class);
        assertThat(read(SMALL, new ByteArraySource("a NOOP"))).isInstanceOf(ReadResult.EndOfStream.class);
    }

    @Test
    void hugeLiteralSizeIsFatal() throws IOException {
        assertThat(read(SMALL, new ByteArraySource("a LOGIN {99999999999999999999+}\r\n"))).isInstanceOf(ParseError.Fatal.class);
        assertThat(read(SMALL, new ByteArraySource("a LOGIN {99999999999999999999}\r\n"))).isInstanceOf(ParseError.class);
    }

    @Test
    void emptyLinesAreIgnored() throws IOException {
        ReadResult r = read(SMALL, new ByteArraySource("\r\n\r\na NOOP\r\n"));
        assertThat(((ReadResult.Complete) r).command().tag()).isEqualTo("a");
    }
}
