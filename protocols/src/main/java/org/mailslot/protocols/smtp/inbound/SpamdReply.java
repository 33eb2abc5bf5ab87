package org.mailslot.protocols.smtp.inbound;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses spamd's answer to a SYMBOLS request (SpamAssassin's spamd/PROTOCOL, SPAMC/1.5):
 * <pre>
 * SPAMD/1.1 0 EX_OK
 * Content-length: 27
 * Spam: True ; 1002.3 / 5.0
 *
 * GTUBE,MISSING_DATE,NO_RELAYS
 * </pre>
 * Bytes in, a {@link SpamdClient.Outcome} out; anything unexpected (another status, no Spam header, a line or body
 * over the limits, a number that is not one) is {@link SpamdClient.Outcome.Unscored} with the reason.
 */
final class SpamdReply {
    static final int MAX_LINE = 4096;
    static final int MAX_HEADERS = 32;
    static final int MAX_BODY = 64 * 1024;
    static final int MAX_TESTS = 200;
    private static final Pattern STATUS = Pattern.compile("SPAMD/\\d+\\.\\d+ (\\d+) (.*)");
    private static final Pattern SPAM = Pattern.compile("(?i)\\s*(true|false|yes|no)\\s*;\\s*(-?[0-9]+(?:\\.[0-9]+)?)\\s*/\\s*(-?[0-9]+(?:\\.[0-9]+)?)\\s*");
    private static final Pattern TEST = Pattern.compile("[A-Za-z0-9_]{1,64}");

    private SpamdReply() {}

    static SpamdClient.Outcome parse(InputStream in) throws IOException {
        String status = line(in);
        if (status == null) {
            return unscored("spamd closed the connection without an answer");
        }
        Matcher m = STATUS.matcher(status);
        if (!m.matches()) {
            return unscored("not a spamd status line: " + printable(status));
        }
        if (!m.group(1).equals("0")) {
            return unscored("spamd answered " + printable(status));
        }
        Boolean spam = null;
        double score = 0;
        double threshold = 0;
        long contentLength = -1;
        for (int n = 0; ; n++) {
            String line = line(in);
            if (line == null) {
                return unscored("spamd's answer ends inside its headers");
            }
            if (line.isEmpty()) {
                break;
            }
            if (n >= MAX_HEADERS) {
                return unscored("spamd's answer has more than " + MAX_HEADERS + " header lines");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                return unscored("bad header line from spamd: " + printable(line));
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            if (name.equals("spam")) {
                Matcher s = SPAM.matcher(value);
                if (!s.matches()) {
                    return unscored("bad Spam header from spamd: " + printable(value));
                }
                String flag = s.group(1).toLowerCase(Locale.ROOT);
                spam = flag.equals("true") || flag.equals("yes");
                score = Double.parseDouble(s.group(2));
                threshold = Double.parseDouble(s.group(3));
            } else if (name.equals("content-length")) {
                try {
                    contentLength = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    return unscored("bad Content-length from spamd: " + printable(value));
                }
            }
        }
        if (spam == null) {
            return unscored("spamd's answer has no Spam header");
        }
        if (contentLength < 0 || contentLength > MAX_BODY) {
            return unscored("spamd's symbol list has no or a bad length: " + contentLength);
        }
        byte[] body = in.readNBytes((int) contentLength);
        List<String> tests = new ArrayList<>();
        for (String t : new String(body, StandardCharsets.US_ASCII).split(",")) {
            String name = t.strip();
            if (TEST.matcher(name).matches() && tests.size() < MAX_TESTS) {
                tests.add(name);
            }
        }
        return new SpamdClient.Outcome.Scored(spam, score, threshold, List.copyOf(tests));
    }

    /** One CRLF- (or LF-) terminated line without its ending; null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            if (b.size() >= MAX_LINE) {
                throw new IOException("a line from spamd is longer than " + MAX_LINE + " octets");
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    private static SpamdClient.Outcome unscored(String reason) {
        return new SpamdClient.Outcome.Unscored(reason);
    }

    private static String printable(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
