package org.mailslot.protocols.smtp.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads replies (RFC 5321 4.2): {@code NNN-text} lines followed by one {@code NNN text} line, all with the same code.
 * Lines end in CRLF (a bare LF is tolerated). Every limit is checked before memory is spent: a line longer than
 * {@code maxLineLength} or a reply of more than {@code maxLines} lines is a protocol error, never an endless read.
 */
final class ReplyReader {
    /** RFC 3463: class.subject.detail, where the class matches the reply's first digit. */
    private static final Pattern ENHANCED = Pattern.compile("([245])\\.(\\d{1,3})\\.(\\d{1,3})(?: +|$)");

    private final InputStream in;
    private final int maxLineLength;
    private final int maxLines;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int limit;

    ReplyReader(InputStream in, int maxLineLength, int maxLines) {
        this.in = in;
        this.maxLineLength = maxLineLength;
        this.maxLines = maxLines;
    }

    /** Bytes the server sent that no reply has consumed yet (must be none when TLS starts: RFC 3207 5). */
    int buffered() {
        return limit - pos;
    }

    /** Reads one whole reply; {@code what} names the command it answers, for error messages. */
    ClientReply read(String what) throws IOException {
        int code = -1;
        List<String> texts = new ArrayList<>();
        while (true) {
            String line = readLine(what, code >= 0);
            if (texts.size() == maxLines) {
                throw new SmtpClientException("reply to " + what + " has more than " + maxLines + " lines");
            }
            if (line.length() < 3 || !isCode(line)) {
                throw new SmtpClientException("malformed reply line to " + what + ": " + quote(line));
            }
            int lineCode = Integer.parseInt(line, 0, 3, 10);
            if (code >= 0 && lineCode != code) {
                throw new SmtpClientException("reply to " + what + " mixes codes " + code + " and " + lineCode
                        + ": " + quote(line));
            }
            code = lineCode;
            char sep = line.length() > 3 ? line.charAt(3) : ' ';
            if (sep != ' ' && sep != '-') {
                throw new SmtpClientException("malformed reply line to " + what + ": " + quote(line));
            }
            texts.add(line.length() > 4 ? line.substring(4) : "");
            if (sep == ' ') {
                return reply(code, texts);
            }
        }
    }

    private static ClientReply reply(int code, List<String> texts) {
        Matcher m = ENHANCED.matcher(texts.getFirst());
        if (!m.lookingAt() || m.group(1).charAt(0) != Character.forDigit(code / 100, 10)) {
            return new ClientReply(code, null, texts);
        }
        String enhanced = m.group(1) + "." + m.group(2) + "." + m.group(3);
        List<String> stripped = new ArrayList<>(texts.size());
        for (String t : texts) {
            Matcher each = ENHANCED.matcher(t);
            stripped.add(each.lookingAt() && t.startsWith(enhanced) ? t.substring(each.end()) : t);
        }
        return new ClientReply(code, enhanced, stripped);
    }

    private static boolean isCode(String line) {
        char a = line.charAt(0);
        char b = line.charAt(1);
        char c = line.charAt(2);
        return a >= '2' && a <= '5' && b >= '0' && b <= '9' && c >= '0' && c <= '9';
    }

    private String readLine(String what, boolean midReply) throws IOException {
        byte[] line = new byte[Math.min(256, maxLineLength + 1)];
        int len = 0;
        while (true) {
            if (pos == limit) {
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    throw new SmtpClientException("server closed the connection " + (midReply || len > 0
                            ? "in the middle of its reply to " : "without replying to ") + what, new EOFException());
                }
                pos = 0;
                limit = n;
            }
            byte b = buf[pos++];
            if (b == '\n') {
                if (len > 0 && line[len - 1] == '\r') {
                    len--;
                }
                if (len > maxLineLength) {
                    throw new SmtpClientException("reply line to " + what + " is longer than " + maxLineLength + " octets");
                }
                return new String(line, 0, len, StandardCharsets.UTF_8);
            }
            if (len == maxLineLength + 1) { // one more than allowed: room for the CR of a line exactly at the limit
                throw new SmtpClientException("reply line to " + what + " is longer than " + maxLineLength + " octets");
            }
            if (len == line.length) {
                line = java.util.Arrays.copyOf(line, Math.min(line.length * 2, maxLineLength + 1));
            }
            line[len++] = b;
        }
    }

    /** The line as it may appear in a log or a DSN: control characters escaped, cut at 200 characters. */
    static String quote(String line) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < line.length() && sb.length() < 200; i++) {
            char c = line.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append(line.length() > 200 ? "...\"" : "\"").toString();
    }
}
