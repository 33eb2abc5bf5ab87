package org.mailslot.protocols.smtp;

import org.junit.jupiter.api.Test;
import org.mailslot.core.net.Line;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DotDecoderTest {

    /** Splits raw input the way Connection.readLine does (at LF, CR kept when not before LF), with a chunk limit. */
    static List<Line> lines(String raw, int limit) {
        byte[] b = raw.getBytes(StandardCharsets.ISO_8859_1);
        List<Line> out = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < b.length) {
            if (b[i] == '\n') {
                boolean cr = i > start && b[i - 1] == '\r';
                out.add(new Line(java.util.Arrays.copyOfRange(b, start, cr ? i - 1 : i), cr ? Line.Ending.CRLF : Line.Ending.LF));
                start = ++i;
            } else if (i - start == limit && !(b[i] == '\r' && i + 1 < b.length && b[i + 1] == '\n')) {
                out.add(new Line(java.util.Arrays.copyOfRange(b, start, i), Line.Ending.NONE));
                start = i;
            } else {
                i++;
            }
        }
        if (start < b.length) {
            out.add(new Line(java.util.Arrays.copyOfRange(b, start, b.length), Line.Ending.EOF));
        }
        return out;
    }

    record Decoded(String content, boolean ended, String rest) {}

    static Decoded decode(String raw, int limit) throws IOException {
        DotDecoder d = new DotDecoder();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Line> ls = lines(raw, limit);
        for (int i = 0; i < ls.size(); i++) {
            if (d.feed(ls.get(i), out) == DotDecoder.Step.END) {
                StringBuilder rest = new StringBuilder();
                ls.subList(i + 1, ls.size()).forEach(l -> rest.append(new String(l.bytes(), StandardCharsets.ISO_8859_1)).append("|"));
                return new Decoded(out.toString(StandardCharsets.ISO_8859_1), true, rest.toString());
            }
        }
        return new Decoded(out.toString(StandardCharsets.ISO_8859_1), false, "");
    }

    @Test
    void dotStuffingIsUndone() throws IOException {
        Decoded d = decode("Subject: x\r\n\r\n..leading dot\r\n.\r\n", 1000);
        assertThat(d.ended()).isTrue();
        assertThat(d.content()).isEqualTo("Subject: x\r\n\r\n.leading dot\r\n");
    }

    @Test
    void bareLfLinesAreStoredWithCrlf() throws IOException {
        Decoded d = decode("a\nb\r\n.\r\n", 1000);
        assertThat(d.content()).isEqualTo("a\r\nb\r\n");
        assertThat(d.ended()).isTrue();
    }

    @Test
    void onlyCrlfDotCrlfEndsTheData() throws IOException {
        // every classic smuggling terminator: stays content, the data goes on
        for (String fake : List.of("\n.\n", "\n.\r\n", "\r\n.\n", "\r.\r\n", "\r\n.\r", "\n..\n")) {
            Decoded d = decode("first" + fake + "MAIL FROM:<evil@x>\r\n.\r\n", 1000);
            assertThat(d.ended()).as(fake.replace("\r", "\\r").replace("\n", "\\n")).isTrue();
            assertThat(d.content()).as(fake).contains("MAIL FROM:<evil@x>");
            assertThat(d.rest()).isEmpty();
        }
    }

    @Test
    void bareCrIsKept() throws IOException {
        assertThat(decode("a\rb\r\n.\r\n", 1000).content()).isEqualTo("a\rb\r\n");
    }

    @Test
    void longLinesPassThroughInPiecesWithoutUnstuffingTheMiddle() throws IOException {
        String longLine = "x".repeat(25) + "." + "y".repeat(30);
        Decoded d = decode(longLine + "\r\n..z\r\n.\r\n", 10);
        assertThat(d.content()).isEqualTo(longLine + "\r\n.z\r\n");
        // a chunk boundary right before a dot in mid-line must not unstuff it
        Decoded e = decode("0123456789.rest\r\n.\r\n", 10);
        assertThat(e.content()).isEqualTo("0123456789.rest\r\n");
    }

    @Test
    void eofBeforeTheEnd() throws IOException {
        assertThat(decode("a\r\nb", 1000).ended()).isFalse();
    }
}
