package org.mailslot.protocols.pop3;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns one command line (without its CRLF) into a {@link Pop3Request}. Pure: no I/O, no state, limits given
 * to the constructor. Keywords are case-insensitive; arguments are separated by spaces (runs of spaces are
 * accepted, as most servers do); PASS takes the rest of the line verbatim.
 */
final class Pop3Parser {
    /** RFC 1939 message numbers and line counts are decimal; longer digit strings cannot name a real message. */
    private static final int MAX_NUMBER_DIGITS = 9;

    private final int maxLineLength;
    private final int maxArgumentLength;

    /**
     * @param maxLineLength     longest line in bytes (the connection enforces it too; this keeps the parser safe alone)
     * @param maxArgumentLength longest argument in bytes (RFC 2449: 255), except the AUTH initial response
     */
    Pop3Parser(int maxLineLength, int maxArgumentLength) {
        this.maxLineLength = maxLineLength;
        this.maxArgumentLength = maxArgumentLength;
    }

    Pop3Request parse(byte[] line) {
        if (line.length > maxLineLength) {
            return new Pop3Request.Malformed(null, "", "Line too long");
        }
        for (byte b : line) {
            if (b == 0) {
                return new Pop3Request.Malformed(null, "", "NUL byte in command");
            }
        }
        String text = new String(line, StandardCharsets.UTF_8);
        int space = text.indexOf(' ');
        String keyword = space < 0 ? text : text.substring(0, space);
        String rest = space < 0 ? null : text.substring(space + 1);
        if (keyword.isEmpty()) {
            return new Pop3Request.Malformed(null, "", text.isBlank() ? "Empty command" : "Command must not start with a space");
        }
        Pop3Verb verb = Pop3Verb.of(keyword);
        if (verb == null) {
            return new Pop3Request.Malformed(null, printable(keyword), "Unknown command");
        }
        if (verb == Pop3Verb.PASS) {
            return pass(rest);
        }
        List<String> args = split(rest);
        for (int i = 0; i < args.size(); i++) {
            boolean initialResponse = verb == Pop3Verb.AUTH && i == 1;
            if (!initialResponse && args.get(i).getBytes(StandardCharsets.UTF_8).length > maxArgumentLength) {
                return bad(verb, "Argument too long (at most " + maxArgumentLength + " octets)");
            }
        }
        return switch (verb) {
            case USER -> args.size() == 1 ? new Pop3Command.User(args.getFirst()) : bad(verb, "Usage: USER name");
            case PASS -> throw new AssertionError("handled above");
            case AUTH -> auth(args);
            case STLS -> args.isEmpty() ? new Pop3Command.Stls() : noArguments(verb);
            case CAPA -> args.isEmpty() ? new Pop3Command.Capa() : noArguments(verb);
            case QUIT -> args.isEmpty() ? new Pop3Command.Quit() : noArguments(verb);
            case STAT -> args.isEmpty() ? new Pop3Command.Stat() : noArguments(verb);
            case RSET -> args.isEmpty() ? new Pop3Command.Rset() : noArguments(verb);
            case NOOP -> args.isEmpty() ? new Pop3Command.Noop() : noArguments(verb);
            case LIST, UIDL -> optionalMessage(verb, args);
            case RETR, DELE -> message(verb, args);
            case TOP -> top(args);
        };
    }

    private Pop3Request pass(String rest) {
        if (rest == null || rest.isEmpty()) {
            return bad(Pop3Verb.PASS, "Usage: PASS password");
        }
        if (rest.getBytes(StandardCharsets.UTF_8).length > maxArgumentLength) {
            return bad(Pop3Verb.PASS, "Argument too long (at most " + maxArgumentLength + " octets)");
        }
        return new Pop3Command.Pass(rest);
    }

    private static Pop3Request auth(List<String> args) {
        return switch (args.size()) {
            case 0 -> new Pop3Command.Auth(null, null);
            case 1 -> new Pop3Command.Auth(args.get(0).toUpperCase(Locale.ROOT), null);
            case 2 -> new Pop3Command.Auth(args.get(0).toUpperCase(Locale.ROOT), args.get(1));
            default -> bad(Pop3Verb.AUTH, "Usage: AUTH mechanism [initial-response]");
        };
    }

    private static Pop3Request optionalMessage(Pop3Verb verb, List<String> args) {
        if (args.isEmpty()) {
            return verb == Pop3Verb.LIST ? new Pop3Command.List(null) : new Pop3Command.Uidl(null);
        }
        if (args.size() > 1) {
            return bad(verb, "Usage: " + verb + " [message-number]");
        }
        Long n = number(args.getFirst());
        if (n == null) {
            return bad(verb, invalidNumber(args.getFirst()));
        }
        int msg = clampToInt(n);
        return verb == Pop3Verb.LIST ? new Pop3Command.List(msg) : new Pop3Command.Uidl(msg);
    }

    private static Pop3Request message(Pop3Verb verb, List<String> args) {
        if (args.size() != 1) {
            return bad(verb, "Usage: " + verb + " message-number");
        }
        Long n = number(args.getFirst());
        if (n == null) {
            return bad(verb, invalidNumber(args.getFirst()));
        }
        return verb == Pop3Verb.RETR ? new Pop3Command.Retr(clampToInt(n)) : new Pop3Command.Dele(clampToInt(n));
    }

    private static Pop3Request top(List<String> args) {
        if (args.size() != 2) {
            return bad(Pop3Verb.TOP, "Usage: TOP message-number lines");
        }
        Long n = number(args.get(0));
        if (n == null) {
            return bad(Pop3Verb.TOP, invalidNumber(args.get(0)));
        }
        Long lines = number(args.get(1));
        if (lines == null) {
            return bad(Pop3Verb.TOP, "Invalid line count '" + printable(args.get(1)) + "': must be a number of 0 or more");
        }
        return new Pop3Command.Top(clampToInt(n), lines);
    }

    /** A decimal number of digits only; digit strings beyond {@link #MAX_NUMBER_DIGITS} are Long.MAX_VALUE. */
    private static Long number(String s) {
        if (s.isEmpty()) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        return s.length() > MAX_NUMBER_DIGITS ? Long.MAX_VALUE : Long.parseLong(s);
    }

    private static int clampToInt(long n) {
        return n > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) n;
    }

    private static String invalidNumber(String arg) {
        return "Invalid message number '" + printable(arg) + "': must be a positive number";
    }

    private static List<String> split(String rest) {
        List<String> out = new ArrayList<>();
        if (rest == null) {
            return out;
        }
        for (String part : rest.split(" ")) {
            if (!part.isEmpty()) {
                out.add(part);
            }
        }
        return out;
    }

    private static Pop3Request noArguments(Pop3Verb verb) {
        return bad(verb, verb + " takes no arguments");
    }

    private static Pop3Request.Malformed bad(Pop3Verb verb, String reason) {
        return new Pop3Request.Malformed(verb, verb.name(), reason);
    }

    /** Client text made safe for a log line or an answer: printable ASCII only, at most 32 characters. */
    static String printable(String s) {
        String cut = s.length() > 32 ? s.substring(0, 32) + "..." : s;
        StringBuilder b = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }
}
