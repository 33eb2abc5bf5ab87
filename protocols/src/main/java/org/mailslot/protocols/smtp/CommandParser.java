package org.mailslot.protocols.smtp;

import org.mailslot.protocols.smtp.SmtpCommand.Body;
import org.mailslot.protocols.smtp.SmtpCommand.Verb;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Turns one command line (without its line ending) into a {@link SmtpCommand} or a precise error reply, following
 * the grammar of RFC 5321 4.1 with its extensions (SIZE, 8BITMIME, SMTPUTF8, CHUNKING, AUTH). Pure: no I/O, no
 * state; which verbs are allowed when is the session's business.
 *
 * <p>Deliberately lenient in two places where real clients deviate: a space after "FROM:"/"TO:", and extra words
 * after the HELO/EHLO name. Strict elsewhere: angle brackets are required, and control characters, NUL bytes and
 * malformed UTF-8 are refused.
 */
final class CommandParser {
    /** RFC 5321 4.5.3.1.3: a path, brackets included. */
    static final int MAX_PATH_OCTETS = 256;
    private static final Set<String> HTTP_VERBS = Set.of("GET", "POST", "CONNECT", "HEAD", "PUT", "OPTIONS");

    private final SmtpMode mode;
    private final int maxPathOctets;

    CommandParser(SmtpMode mode, int maxPathOctets) {
        this.mode = mode;
        this.maxPathOctets = maxPathOctets;
    }

    CommandParser(SmtpMode mode) {
        this(mode, MAX_PATH_OCTETS);
    }

    ParseResult parse(byte[] line) {
        for (byte b : line) {
            if ((b >= 0 && b < 0x20) || b == 0x7f) {
                return error(null, 500, "5.5.2", "Invalid character in command");
            }
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(line)).toString();
        } catch (CharacterCodingException e) {
            return error(null, 500, "5.5.2", "Command is not valid UTF-8");
        }
        return parse(text);
    }

    ParseResult parse(String line) {
        int sp = line.indexOf(' ');
        String word = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
        String args = sp < 0 ? "" : line.substring(sp + 1);
        if (HTTP_VERBS.contains(word)) {
            return new ParseResult.Error(null, Reply.of(554, "5.7.0", "This is a mail server, not a web proxy"), true);
        }
        Verb verb;
        try {
            verb = word.chars().allMatch(c -> c >= 'A' && c <= 'Z') ? Verb.valueOf(word) : null;
        } catch (IllegalArgumentException e) {
            verb = null;
        }
        if (verb == null) {
            return error(null, 500, "5.5.2", "Command unrecognized");
        }
        return switch (verb) {
            case HELO, EHLO, LHLO -> hello(verb, args);
            case MAIL -> mail(args);
            case RCPT -> rcpt(args);
            case BDAT -> bdat(args);
            case AUTH -> auth(args);
            case VRFY -> args.isBlank() ? error(verb, 501, "5.5.4", "Syntax: VRFY address")
                    : new ParseResult.Ok(new SmtpCommand.Vrfy(args.strip()));
            case DATA, RSET, QUIT, STARTTLS -> args.isBlank() ? ok(new SmtpCommand.Simple(verb))
                    : error(verb, 501, "5.5.4", "Syntax: " + verb + " (no arguments)");
            case NOOP, HELP -> ok(new SmtpCommand.Simple(verb));
            case EXPN, ETRN, TURN -> ok(new SmtpCommand.NotImplemented(verb));
        };
    }

    private ParseResult hello(Verb verb, String args) {
        boolean lmtp = mode == SmtpMode.LMTP;
        if (lmtp != (verb == Verb.LHLO)) {
            return lmtp ? error(verb, 500, "5.5.1", "This is LMTP: use LHLO")
                    : error(null, 500, "5.5.2", "Command unrecognized");
        }
        String name = args.strip();
        int space = name.indexOf(' ');
        if (space >= 0) {
            name = name.substring(0, space);
        }
        if (name.isEmpty() || name.length() > 255) {
            return error(verb, 501, "5.5.4", "Syntax: " + verb + " hostname");
        }
        return ok(new SmtpCommand.Hello(verb, name));
    }

    private ParseResult mail(String args) {
        if (!startsWithIgnoreCase(args, "FROM:")) {
            return error(Verb.MAIL, 501, "5.5.4", "Syntax: MAIL FROM:<address>");
        }
        Path path = path(args, 5);
        if (path.error != null) {
            return error(Verb.MAIL, 501, "5.1.7", "Bad sender address syntax: " + path.error);
        }
        long size = -1;
        Body body = Body.UNSPECIFIED;
        boolean utf8 = false;
        Set<String> seen = new HashSet<>();
        for (String param : params(args.substring(path.end))) {
            int eq = param.indexOf('=');
            String key = (eq < 0 ? param : param.substring(0, eq)).toUpperCase(Locale.ROOT);
            String value = eq < 0 ? null : param.substring(eq + 1);
            if (!validKeyword(key) || (value != null && !validValue(value))) {
                return error(Verb.MAIL, 501, "5.5.4", "Malformed parameter");
            }
            if (!seen.add(key)) {
                return error(Verb.MAIL, 501, "5.5.4", "Duplicate parameter " + key);
            }
            switch (key) {
                case "SIZE" -> {
                    if (value == null || value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                        return error(Verb.MAIL, 501, "5.5.4", "Syntax: SIZE=octets");
                    }
                    size = value.length() > 18 ? Long.MAX_VALUE : Long.parseLong(value);
                }
                case "BODY" -> {
                    String v = value == null ? "" : value.toUpperCase(Locale.ROOT);
                    switch (v) {
                        case "7BIT" -> body = Body.SEVEN_BIT;
                        case "8BITMIME" -> body = Body.EIGHT_BIT_MIME;
                        default -> {
                            return error(Verb.MAIL, 555, "5.5.4", "Unsupported BODY type (7BIT and 8BITMIME only)");
                        }
                    }
                }
                case "SMTPUTF8" -> {
                    if (value != null) {
                        return error(Verb.MAIL, 501, "5.5.4", "SMTPUTF8 takes no value");
                    }
                    utf8 = true;
                }
                case "AUTH" -> {
                    // RFC 4954 5: accepted (and not trusted) where AUTH is offered; the session knows who logged in
                    if (mode != SmtpMode.SUBMISSION || value == null) {
                        return error(Verb.MAIL, 555, "5.5.4", "Unsupported parameter AUTH");
                    }
                }
                default -> {
                    return error(Verb.MAIL, 555, "5.5.4", "Unsupported parameter " + key);
                }
            }
        }
        if (!utf8 && !isAscii(path.mailbox)) {
            return error(Verb.MAIL, 553, "5.6.7", "Non-ASCII address needs the SMTPUTF8 parameter");
        }
        return ok(new SmtpCommand.Mail(path.mailbox, size, body, utf8));
    }

    private ParseResult rcpt(String args) {
        if (!startsWithIgnoreCase(args, "TO:")) {
            return error(Verb.RCPT, 501, "5.5.4", "Syntax: RCPT TO:<address>");
        }
        Path path = path(args, 3);
        if (path.error != null) {
            return error(Verb.RCPT, 501, "5.1.3", "Bad recipient address syntax: " + path.error);
        }
        if (path.mailbox.isEmpty()) {
            return error(Verb.RCPT, 501, "5.1.3", "Bad recipient address syntax: empty address");
        }
        if (!params(args.substring(path.end)).isEmpty()) {
            return error(Verb.RCPT, 555, "5.5.4", "Unsupported RCPT parameter");
        }
        return ok(new SmtpCommand.Rcpt(path.mailbox));
    }

    private ParseResult bdat(String args) {
        String[] words = args.strip().split(" +");
        boolean last = words.length == 2 && words[1].equalsIgnoreCase("LAST");
        if (words.length == 0 || words.length > 2 || (words.length == 2 && !last) || words[0].isEmpty()
                || words[0].length() > 18 || !words[0].chars().allMatch(c -> c >= '0' && c <= '9')) {
            // without a chunk size the next command cannot be found in the input
            return new ParseResult.Error(Verb.BDAT, Reply.of(501, "5.5.4", "Syntax: BDAT size [LAST]"), true);
        }
        return ok(new SmtpCommand.Bdat(Long.parseLong(words[0]), last));
    }

    private ParseResult auth(String args) {
        String[] words = args.strip().split(" +");
        if (words.length == 0 || words.length > 2 || words[0].isEmpty() || words[0].length() > 20
                || !words[0].chars().allMatch(c -> c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
            return error(Verb.AUTH, 501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
        }
        String initial = words.length == 2 ? (words[1].equals("=") ? "" : words[1]) : null;
        return ok(new SmtpCommand.Auth(words[0].toUpperCase(Locale.ROOT), initial));
    }

    /** A reverse-path or forward-path starting at {@code from} (after the colon), and where its parameters begin. */
    private record Path(String mailbox, int end, String error) {
        static Path bad(String why) {
            return new Path(null, 0, why);
        }
    }

    private Path path(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) == ' ') {
            i++; // lenient: "MAIL FROM: <a@b>" is common
        }
        if (i >= s.length() || s.charAt(i) != '<') {
            return Path.bad("angle brackets required");
        }
        int open = i;
        boolean quoted = false;
        int close = -1;
        for (int j = open + 1; j < s.length(); j++) {
            char c = s.charAt(j);
            if (quoted && c == '\\') {
                j++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                close = j;
                break;
            }
        }
        if (close < 0) {
            return Path.bad("missing '>'");
        }
        if (s.substring(open, close + 1).getBytes(StandardCharsets.UTF_8).length > maxPathOctets) {
            return Path.bad("longer than " + maxPathOctets + " octets");
        }
        if (close + 1 < s.length() && s.charAt(close + 1) != ' ') {
            return Path.bad("junk after '>'");
        }
        String inner = s.substring(open + 1, close);
        if (inner.startsWith("@")) {
            // RFC 5321 4.1.2 / C: source routes are accepted and ignored
            int colon = inner.indexOf(':');
            if (colon < 0) {
                return Path.bad("malformed source route");
            }
            inner = inner.substring(colon + 1);
            if (inner.isEmpty()) {
                return Path.bad("empty address after source route");
            }
        }
        if (inner.isEmpty() || inner.equalsIgnoreCase("postmaster")) {
            return new Path(inner.isEmpty() ? "" : "postmaster", close + 1, null);
        }
        String why = MailboxSyntax.check(inner);
        return why == null ? new Path(inner, close + 1, null) : Path.bad(why);
    }

    private static java.util.List<String> params(String rest) {
        String r = rest.strip();
        return r.isEmpty() ? java.util.List.of() : java.util.List.of(r.split(" +"));
    }

    private static boolean validKeyword(String k) {
        if (k.isEmpty() || !Character.isLetterOrDigit(k.charAt(0))) {
            return false;
        }
        return k.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '-'));
    }

    private static boolean validValue(String v) {
        return v.chars().allMatch(c -> c > 32 && c != '=' && c != 127);
    }

    private static boolean startsWithIgnoreCase(String s, String prefix) {
        return s.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 128);
    }

    private static ParseResult ok(SmtpCommand c) {
        return new ParseResult.Ok(c);
    }

    private static ParseResult error(Verb verb, int code, String enhanced, String text) {
        return new ParseResult.Error(verb, Reply.of(code, enhanced, text), false);
    }
}
