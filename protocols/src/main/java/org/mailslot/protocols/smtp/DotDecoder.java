package org.mailslot.protocols.smtp;

import org.mailslot.core.net.Line;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Decodes the DATA stream line by line (RFC 5321 4.5.2 dot-stuffing) into message content with CRLF line endings.
 *
 * <p>Line endings, decided after the 2023 SMTP smuggling attacks (the policy Postfix 3.9 calls "normalize"):
 * <ul>
 * <li>The end of data is exactly CR LF "." CR LF: the "." line must end with CRLF <em>and</em> the line before it
 * must too (the DATA command line counts as CRLF-ended). "\n.\n", "\n.\r\n", "\r\n.\n" and "\r.\r\n" do not end
 * the message; such lines stay content, so a second message smuggled behind them is just text in the first.</li>
 * <li>A bare LF ends a content line and is stored as CRLF (old scripts send LF only).</li>
 * <li>A bare CR is content and is kept as it is; it never ends a line.</li>
 * </ul>
 * Lines longer than the read chunk arrive in pieces ({@link Line.Ending#NONE}) and are passed through: RFC 5322's
 * 998-octet limit is not enforced by MTAs in practice; the message size limit bounds the whole.
 */
final class DotDecoder {
    private static final byte[] CRLF = {'\r', '\n'};

    enum Step { MORE, END, EOF }

    private boolean atLineStart = true;
    private boolean previousCrlf = true;
    private long bareLineFeeds;

    /** Writes the content of {@code line} to {@code out}; END at the terminating ".", EOF when the peer closed. */
    Step feed(Line line, OutputStream out) throws IOException {
        byte[] b = line.bytes();
        int off = 0;
        if (atLineStart && b.length > 0 && b[0] == '.') {
            if (b.length == 1 && line.ending() == Line.Ending.CRLF && previousCrlf) {
                return Step.END;
            }
            off = 1;
        }
        switch (line.ending()) {
            case EOF -> {
                return Step.EOF;
            }
            case CRLF, LF -> {
                out.write(b, off, b.length - off);
                out.write(CRLF);
                atLineStart = true;
                previousCrlf = line.ending() == Line.Ending.CRLF;
                if (!previousCrlf) {
                    bareLineFeeds++;
                }
            }
            case NONE -> {
                out.write(b, off, b.length - off);
                atLineStart = false;
            }
        }
        return Step.MORE;
    }

    /** Lines that ended with a bare LF (logged: a hint of a broken client or a smuggling attempt). */
    long bareLineFeeds() {
        return bareLineFeeds;
    }
}
