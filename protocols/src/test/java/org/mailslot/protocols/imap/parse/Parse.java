package org.mailslot.protocols.imap.parse;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Test helper: text through the reader and the parser. */
final class Parse {
    private Parse() {
    }

    static ParseResult result(String wire, boolean utf8) {
        try {
            ReadResult r = new ImapReader(ReaderLimits.defaults()).read(new ByteArraySource(wire));
            return switch (r) {
                case ReadResult.Complete c -> new CommandParser().parse(c.command(), utf8);
                case ParseError e -> e;
                case ReadResult.EndOfStream e -> throw new AssertionError("end of stream");
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static <T extends ImapRequest> T ok(String line) {
        String wire = line.endsWith("\r\n") ? line : line + "\r\n";
        ParseResult r = result(wire, true);
        if (r instanceof ParseResult.Parsed p) return (T) p.request();
        throw new AssertionError(line + " -> " + r);
    }

    static ParseError err(String line) {
        String wire = line.endsWith("\r\n") ? line : line + "\r\n";
        ParseResult r = result(wire, true);
        if (r instanceof ParseError e) return e;
        throw new AssertionError(line + " parsed as " + r);
    }
}
