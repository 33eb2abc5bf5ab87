package org.mailslot.protocols.imap.message;

import org.mailslot.core.mime.TransferDecoding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mailslot.protocols.imap.message.Samples.crlf;
import static org.mailslot.protocols.imap.message.Samples.text;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.mailslot.core.mime.MessageIndexer;
import org.mailslot.protocols.imap.parse.Partial;
import org.mailslot.protocols.imap.parse.Section;
import org.mailslot.protocols.imap.parse.Section.SectionText;

class FetchRendererTest {
    private final FetchRenderer renderer = new FetchRenderer(MessageSettings.defaults());

    private String body(String message, String spec) {
        return text(renderer.section(renderer.map(crlf(message)), section(spec), null));
    }

    /** "1.2.HEADER" style, or "HEADER.FIELDS (A B)". */
    static Section section(String spec) {
        List<String> fields = List.of();
        int paren = spec.indexOf(" (");
        if (paren >= 0) {
            fields = List.of(spec.substring(paren + 2, spec.length() - 1).split(" "));
            spec = spec.substring(0, paren);
        }
        List<Integer> part = new java.util.ArrayList<>();
        SectionText t = SectionText.NONE;
        String[] bits = spec.isEmpty() ? new String[0] : spec.split("\\.");
        for (int i = 0; i < bits.length; i++) {
            if (bits[i].chars().allMatch(Character::isDigit)) {
                part.add(Integer.parseInt(bits[i]));
            } else {
                String rest = String.join(".", java.util.Arrays.copyOfRange(bits, i, bits.length));
                t = switch (rest) {
                    case "HEADER" -> SectionText.HEADER;
                    case "TEXT" -> SectionText.TEXT;
                    case "MIME" -> SectionText.MIME;
                    case "HEADER.FIELDS" -> SectionText.HEADER_FIELDS;
                    case "HEADER.FIELDS.NOT" -> SectionText.HEADER_FIELDS_NOT;
                    default -> throw new IllegalArgumentException(rest);
                };
                break;
            }
        }
        return new Section(part, t, fields);
    }

    @Test
    void wholeHeaderTextOfASimpleMessage() {
        assertThat(body(Samples.SIMPLE, "")).isEqualTo(Samples.SIMPLE);
        assertThat(body(Samples.SIMPLE, "HEADER")).isEqualTo("""
                From: Alice <alice@example.com>
                To: bob@example.com
                Subject: hello
                 folded
                Date: Mon, 7 Feb 1994 21:52:25 -0800

                """);
        assertThat(body(Samples.SIMPLE, "TEXT")).isEqualTo("Line one\nLine two\n");
        assertThat(body(Samples.SIMPLE, "1")).isEqualTo("Line one\nLine two\n"); // part 1 of a non-multipart
        assertThat(body(Samples.SIMPLE, "2")).isEmpty();
        assertThat(body(Samples.SIMPLE, "1.1")).isEmpty();
    }

    @Test
    void headerFieldsAreCaseInsensitiveKeepFoldingAndTheBlankLine() {
        assertThat(body(Samples.SIMPLE, "HEADER.FIELDS (subject FROM)")).isEqualTo("""
                From: Alice <alice@example.com>
                Subject: hello
                 folded

                """);
        assertThat(body(Samples.SIMPLE, "HEADER.FIELDS.NOT (Subject from DATE)")).isEqualTo("""
                To: bob@example.com

                """);
        assertThat(body(Samples.SIMPLE, "HEADER.FIELDS (X-None)")).isEqualTo("\n");
    }

    @Test
    void multipartAlternative() {
        assertThat(body(Samples.ALTERNATIVE, "1")).isEqualTo("caf=C3=A9 =\nok");
        assertThat(body(Samples.ALTERNATIVE, "1.MIME")).isEqualTo(
                "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n");
        assertThat(body(Samples.ALTERNATIVE, "2")).isEqualTo("<p>cafe</p>");
        assertThat(body(Samples.ALTERNATIVE, "3")).isEmpty();
        assertThat(body(Samples.ALTERNATIVE, "TEXT")).startsWith("preamble\n--XX\n").endsWith("--XX--\nepilogue\n");
        assertThat(body(Samples.ALTERNATIVE, "1.HEADER")).isEmpty(); // not a message/rfc822 part
    }

    @Test
    void mixedWithAttachmentAndNestedMessages() {
        String m = Samples.MIXED;
        assertThat(body(m, "1")).isEqualTo("body text");
        assertThat(body(m, "2")).isEqualTo("AAECAwT/");
        assertThat(body(m, "3.HEADER")).isEqualTo("""
                From: c@example.com
                Subject: inner
                Content-Type: multipart/alternative; boundary=inner

                """);
        assertThat(body(m, "3.HEADER.FIELDS (SUBJECT)")).isEqualTo("Subject: inner\n\n");
        assertThat(body(m, "3.MIME")).isEqualTo("Content-Type: message/rfc822\n\n");
        assertThat(body(m, "3")).startsWith("From: c@example.com\n").endsWith("--inner--");
        assertThat(body(m, "3.TEXT")).startsWith("--inner\n").endsWith("--inner--");
        assertThat(body(m, "3.1")).isEqualTo("inner plain");
        assertThat(body(m, "3.2")).isEqualTo("<b>inner</b>");
        assertThat(body(m, "3.2.MIME")).isEqualTo("Content-Type: text/html\n\n");
        assertThat(body(m, "3.3")).isEmpty();
        assertThat(body(m, "4.TEXT")).isEqualTo("just text");
        assertThat(body(m, "4.1")).isEqualTo("just text"); // the encapsulated message is not multipart
        assertThat(body(m, "4.HEADER")).isEqualTo("Subject: single\n\n");
        assertThat(body(m, "5")).isEmpty();
        assertThat(body(m, "0")).isEmpty();
    }

    @Test
    void partialAppliesAfterExtraction() {
        PartMap map = renderer.map(crlf(Samples.SIMPLE));
        Section text = section("TEXT");
        assertThat(text(renderer.section(map, text, new Partial(0, 4)))).isEqualTo("Line");
        assertThat(text(renderer.section(map, text, new Partial(5, 3)))).isEqualTo("one");
        assertThat(text(renderer.section(map, text, new Partial(15, 100)))).isEqualTo("two\n");
        assertThat(renderer.section(map, text, new Partial(20, 5)).length()).isZero();
        assertThat(renderer.section(map, text, new Partial(1000, 5)).length()).isZero();
    }

    @Test
    void binaryDecodesBase64AndQuotedPrintableByteExact() {
        PartMap mixed = renderer.map(crlf(Samples.MIXED));
        assertThat(decoded(renderer.binary(mixed, List.of(2), null))).containsExactly(0, 1, 2, 3, 4, -1);
        assertThat(decoded(renderer.binary(mixed, List.of(2), new Partial(1, 2)))).containsExactly(1, 2);
        PartMap alt = renderer.map(crlf(Samples.ALTERNATIVE));
        assertThat(new String(decoded(renderer.binary(alt, List.of(1), null)), StandardCharsets.UTF_8))
                .isEqualTo("café ok");
        assertThat(decoded(renderer.binary(alt, List.of(2), null))).isEqualTo("<p>cafe</p>".getBytes());
        assertThat(renderer.binary(alt, List.of(9), null)).isInstanceOf(BinaryResult.NoSuchPart.class);
    }

    @Test
    void unknownTransferEncodingIsReported() {
        String m = "Content-Type: text/plain\nContent-Transfer-Encoding: x-uuencode\n\nbegin 644 x\n";
        assertThat(renderer.binary(renderer.map(crlf(m)), List.of(1), null))
                .isEqualTo(new BinaryResult.UnknownEncoding("x-uuencode"));
    }

    @Test
    void truncatedBase64AndBadQuotedPrintableDecodeWhatTheyCan() {
        assertThat(TransferDecoding.base64("QUJD\r\nRA".getBytes(), 0, 8)).isEqualTo("ABCD".getBytes());
        assertThat(TransferDecoding.base64("QU*JDRA==junk".getBytes(), 0, 13)).isEqualTo("ABCD".getBytes());
        byte[] qp = "a=4 =ZZ=41  \r\nb=\r\nc=".getBytes();
        assertThat(new String(TransferDecoding.quotedPrintable(qp, 0, qp.length))).isEqualTo("a=4 =ZZA\r\nbc");
    }

    @Test
    void malformedMultipartsNeverThrow() {
        String noClose = "Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\n\ntwo\n";
        assertThat(body(noClose, "1")).isEqualTo("one");
        assertThat(body(noClose, "2")).isEqualTo("two\n");
        String noBoundaryParam = "Content-Type: multipart/mixed\n\n--b\n\none\n";
        assertThat(body(noBoundaryParam, "1")).isEqualTo("--b\n\none\n"); // a single text body
        String noParts = "Content-Type: multipart/mixed; boundary=zz\n\njust text\n";
        assertThat(body(noParts, "1")).isEqualTo("just text\n");
        String noBlankLine = "Subject: x\nthis is not a header\nmore";
        assertThat(body(noBlankLine, "HEADER")).isEqualTo("Subject: x\n");
        assertThat(body(noBlankLine, "TEXT")).isEqualTo("this is not a header\nmore");
        assertThat(body(noBlankLine, "HEADER.FIELDS (SUBJECT)")).isEqualTo("Subject: x\n\n");
        assertThat(body("", "HEADER")).isEmpty();
        assertThat(body("Subject: only", "HEADER.FIELDS (SUBJECT)")).isEqualTo("Subject: only\n");
    }

    @Test
    void lfOnlyMessagesWork() {
        byte[] raw = "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nx\n--b--\n"
                .getBytes();
        PartMap map = renderer.map(raw);
        assertThat(renderer.section(map, section("1"), null).toString()).isEqualTo("x");
        assertThat(renderer.section(map, section("1.MIME"), null).toString()).isEqualTo("Content-Type: text/plain\n\n");
    }

    @Test
    void partNumbersAgreeWithTheCachedBodystructure() {
        // the indexer says how many parts each level has; the map must see the same
        String bs = new MessageIndexer().index(crlf(Samples.MIXED)).bodyStructure();
        assertThat(bs).contains("\"inner\"").contains("\"message\" \"rfc822\"");
        PartMap map = renderer.map(crlf(Samples.MIXED));
        assertThat(map.exists(List.of(4))).isTrue();
        assertThat(map.exists(List.of(5))).isFalse();
        assertThat(map.exists(List.of(3, 2))).isTrue();
    }

    private static byte[] decoded(BinaryResult r) {
        assertThat(r).isInstanceOf(BinaryResult.Decoded.class);
        return ((BinaryResult.Decoded) r).bytes().toByteArray();
    }
}
