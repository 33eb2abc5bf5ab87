package org.mailslot.protocols.imap.message;

import java.nio.charset.StandardCharsets;

/** Test messages, written with LF and stored with CRLF like real mail. */
final class Samples {
    private Samples() {}

    static byte[] crlf(String lf) {
        return lf.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    static String text(Slice s) {
        return new String(s.toByteArray(), StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    static final String SIMPLE = """
            From: Alice <alice@example.com>
            To: bob@example.com
            Subject: hello
             folded
            Date: Mon, 7 Feb 1994 21:52:25 -0800

            Line one
            Line two
            """;

    static final String ALTERNATIVE = """
            From: a@example.com
            Subject: alt
            Content-Type: multipart/alternative; boundary="XX"

            preamble
            --XX
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: quoted-printable

            caf=C3=A9 =
            ok
            --XX
            Content-Type: text/html

            <p>cafe</p>
            --XX--
            epilogue
            """;

    /** mixed: text, a base64 attachment, and a forwarded message/rfc822 that is itself multipart. */
    static final String MIXED = """
            From: a@example.com
            Subject: mixed
            Content-Type: multipart/mixed; boundary=outer

            --outer
            Content-Type: text/plain

            body text
            --outer
            Content-Type: application/octet-stream; name=a.bin
            Content-Transfer-Encoding: base64

            AAECAwT/
            --outer
            Content-Type: message/rfc822

            From: c@example.com
            Subject: inner
            Content-Type: multipart/alternative; boundary=inner

            --inner
            Content-Type: text/plain

            inner plain
            --inner
            Content-Type: text/html

            <b>inner</b>
            --inner--
            --outer
            Content-Type: message/rfc822

            Subject: single

            just text
            --outer--
            """;
}
