package org.mailslot.core.mime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class MessageIndexerTest {
    private final MessageIndexer indexer = new MessageIndexer();

    private MessageIndex index(String crlfText) {
        return indexer.index(crlfText.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void simpleTextMessage() {
        MessageIndex m = index("""
                From: "Doe, John" <john@example.com>
                To: a@b.c, Bob <bob@x.org>
                Subject: hi "there"
                Date: Mon, 1 Jan 2024 10:00:00 +0000
                Message-ID: <1@x>

                hello
                world
                """);
        assertThat(m.envelope()).isEqualTo("(\"Mon, 1 Jan 2024 10:00:00 +0000\" \"hi \\\"there\\\"\""
                + " ((\"Doe, John\" NIL \"john\" \"example.com\")) ((\"Doe, John\" NIL \"john\" \"example.com\"))"
                + " ((\"Doe, John\" NIL \"john\" \"example.com\")) ((NIL NIL \"a\" \"b.c\")(\"Bob\" NIL \"bob\" \"x.org\"))"
                + " NIL NIL NIL \"<1@x>\")");
        assertThat(m.body()).isEqualTo("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 14 2)");
        assertThat(m.bodyStructure())
                .isEqualTo("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 14 2 NIL NIL NIL NIL)");
        assertThat(m.threadIds()).containsExactly("1@x");
    }

    /** Threading ids come from the top-level header only, never from an attached message's. */
    @Test
    void threadIdsOfTheTopLevelHeader() {
        MessageIndex m = index("""
                Message-ID: <reply@x>
                In-Reply-To: <parent@x>
                References: <root@x>
                 <parent@x>
                Content-Type: message/rfc822

                Message-ID: <attached@x>
                References: <elsewhere@x>

                inner
                """);
        assertThat(m.threadIds()).containsExactly("reply@x", "parent@x", "root@x");
        assertThat(index("Subject: none\n\nbody\n").threadIds()).isEmpty();
    }

    @Test
    void multipartAlternative() {
        MessageIndex m = index("""
                From: a@b
                Reply-To: r@b
                Content-Type: multipart/alternative; boundary="XX"

                preamble
                --XX
                Content-Type: text/plain; charset=utf-8

                hello
                --XX
                Content-Type: text/html

                <b>hi</b>
                --XX--
                """);
        assertThat(m.envelope()).isEqualTo("(NIL NIL ((NIL NIL \"a\" \"b\")) ((NIL NIL \"a\" \"b\"))"
                + " ((NIL NIL \"r\" \"b\")) NIL NIL NIL NIL NIL)");
        assertThat(m.body()).isEqualTo("((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 5 1)"
                + "(\"text\" \"html\" NIL NIL NIL \"7bit\" 9 1) \"alternative\")");
        assertThat(m.bodyStructure()).isEqualTo(
                "((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 5 1 NIL NIL NIL NIL)"
                        + "(\"text\" \"html\" NIL NIL NIL \"7bit\" 9 1 NIL NIL NIL NIL)"
                        + " \"alternative\" (\"boundary\" \"XX\") NIL NIL NIL)");
    }

    @Test
    void nestedMixedWithAttachmentAndMessage() {
        MessageIndex m = index("""
                Subject: outer
                Content-Type: multipart/mixed; boundary=b1

                --b1
                Content-Type: multipart/alternative; boundary="b2"

                --b2
                Content-Type: text/plain; charset=us-ascii

                plain
                --b2
                Content-Type: text/html; charset=us-ascii
                Content-Transfer-Encoding: quoted-printable

                <p>html</p>
                --b2--

                --b1
                Content-Type: message/rfc822
                Content-Description: forwarded

                From: in@x
                Subject: inner

                inner body
                --b1
                Content-Type: application/pdf; name=x.pdf
                Content-Disposition: attachment; filename="x.pdf"
                Content-Transfer-Encoding: BASE64
                Content-Language: en, fr
                Content-Location: http://x/y.pdf
                Content-ID: <att@x>

                AAAA
                --b1--
                """);
        assertThat(m.envelope()).isEqualTo("(NIL \"outer\" NIL NIL NIL NIL NIL NIL NIL NIL)");
        String alternative = "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 5 1 NIL NIL NIL NIL)"
                + "(\"text\" \"html\" (\"charset\" \"us-ascii\") NIL NIL \"quoted-printable\" 11 1 NIL NIL NIL NIL)"
                + " \"alternative\" (\"boundary\" \"b2\") NIL NIL NIL)";
        String message = "(\"message\" \"rfc822\" NIL NIL \"forwarded\" \"7bit\" 40"
                + " (NIL \"inner\" ((NIL NIL \"in\" \"x\")) ((NIL NIL \"in\" \"x\")) ((NIL NIL \"in\" \"x\"))"
                + " NIL NIL NIL NIL NIL)"
                + " (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 10 1 NIL NIL NIL NIL) 4"
                + " NIL NIL NIL NIL)";
        String pdf = "(\"application\" \"pdf\" (\"name\" \"x.pdf\") \"<att@x>\" NIL \"base64\" 4 NIL"
                + " (\"attachment\" (\"filename\" \"x.pdf\")) (\"en\" \"fr\") \"http://x/y.pdf\")";
        assertThat(m.bodyStructure())
                .isEqualTo("(" + alternative + message + pdf + " \"mixed\" (\"boundary\" \"b1\") NIL NIL NIL)");
        assertThat(m.body()).startsWith("(((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 5 1)")
                .endsWith("(\"application\" \"pdf\" (\"name\" \"x.pdf\") \"<att@x>\" NIL \"base64\" 4) \"mixed\")")
                .doesNotContain("boundary");
    }

    @Test
    void messageRfc822AtTopOfDigest() {
        MessageIndex m = index("""
                Content-Type: multipart/digest; boundary=d

                --d

                Subject: one

                1
                --d--
                """);
        assertThat(m.body()).isEqualTo("((\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 17"
                + " (NIL \"one\" NIL NIL NIL NIL NIL NIL NIL NIL)"
                + " (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 1 1) 3) \"digest\")");
    }

    @Test
    void headersKeepEncodedWordsAndUtf8AndLatin1() {
        assertThat(index("Subject: =?utf-8?q?caf=C3=A9?=\n\nx").envelope())
                .startsWith("(NIL \"=?utf-8?q?caf=C3=A9?=\" ");
        assertThat(index("Subject: café\nTo: undisclosed-recipients:;\n\nx").envelope())
                .isEqualTo("(NIL \"café\" NIL NIL NIL ((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL))"
                        + " NIL NIL NIL NIL)");
        byte[] latin1 = "Subject: caf\u00e9\r\n\r\nx".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(indexer.index(latin1).envelope()).startsWith("(NIL \"café\" ");
    }

    @Test
    void foldedHeadersAreUnfolded() {
        assertThat(index("Subject: a\n  folded\n\tvalue\n\nx").envelope()).startsWith("(NIL \"a  folded\tvalue\" ");
    }

    @Test
    void controlCharactersForceLiteral() {
        StringBuilder out = new StringBuilder();
        ImapStrings.string(out, "a\rb€");
        assertThat(out.toString()).isEqualTo("{6}\r\na\rb€");
    }

    @Test
    void malformedInputsStillIndex() {
        assertThat(index("no headers at all\n").bodyStructure())
                .isEqualTo("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 19 1 NIL NIL NIL NIL)");
        assertThat(index("").body()).isEqualTo("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0)");
        // no closing boundary
        assertThat(index("Content-Type: multipart/mixed; boundary=zz\n\n--zz\n\nunterminated").body())
                .isEqualTo("((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 12 1) \"mixed\")");
        // boundary never appears: the multipart has no parts, so it is reported as text
        assertThat(index("Content-Type: multipart/mixed; boundary=zz\n\njust text\n").body())
                .isEqualTo("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 11 1)");
        // multipart without boundary parameter
        assertThat(index("Content-Type: multipart/mixed\n\nbody\n").body())
                .isEqualTo("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 6 1)");
        // garbage content type
        assertThat(index("Content-Type: ;;;==\"\n\nbody").body())
                .isEqualTo("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 4 1)");
        // binary junk header line
        byte[] junk = {'S', 'u', 'b', (byte) 0xff, 0, ':', ' ', 'x', '\r', '\n', '\r', '\n', 1, 2, 3};
        assertThat(indexer.index(junk).body()).startsWith("(\"text\" \"plain\"");
    }

    @Test
    void deepNestingIsFlattenedNotOverflowed() {
        MessageIndexer shallow = new MessageIndexer(3);
        StringBuilder msg = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            msg.append("Content-Type: message/rfc822\r\n\r\n");
        }
        msg.append("end\r\n");
        MessageIndex m = shallow.index(msg.toString().getBytes(StandardCharsets.US_ASCII));
        assertThat(m.body()).contains("\"application\" \"octet-stream\"");
    }

    @Test
    void failingSourceIsReported() {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("disk gone");
            }
        };
        assertThatThrownBy(() -> indexer.index(broken)).isInstanceOf(IOException.class);
    }

    @Test
    void nestingBoundsAreChecked() {
        assertThatThrownBy(() -> new MessageIndexer(0)).hasMessageContaining("mime.max-nesting");
    }
}
