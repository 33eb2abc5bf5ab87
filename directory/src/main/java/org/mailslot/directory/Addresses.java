package org.mailslot.directory;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;

/**
 * Parses and normalizes RFC 5321 mailboxes ({@code local-part@domain}), with RFC 6531 UTF-8 local parts.
 *
 * <p>The local part is a dot-atom or a quoted string and keeps its case (lookups ignore case). It is put
 * in Unicode NFC, and a quoted string is written in its shortest equivalent form: without quotes when its
 * content is a valid dot-atom ({@code "bob"@x} is {@code bob@x}), otherwise with only {@code "} and
 * {@code \} escaped. The domain is made ASCII ({@link IDN#toASCII}) and lower case, and must be LDH labels;
 * address literals ({@code [192.0.2.1]}) are refused because no hosted mailbox has one.
 */
public final class Addresses {

    /** RFC 5321 4.5.3.1.1 */
    static final int MAX_LOCAL_PART_OCTETS = 64;
    /** RFC 5321 4.5.3.1.2 */
    static final int MAX_DOMAIN_OCTETS = 253;
    static final int MAX_LABEL_OCTETS = 63;
    /** RFC 5321 4.5.3.1.3: a path is at most 256 octets including the angle brackets. */
    static final int MAX_MAILBOX_OCTETS = 254;

    private Addresses() {}

    /** The normalized form of {@code address}; throws {@link DirectoryException} INVALID naming the problem. */
    public static String normalize(String address) {
        return parse(address).toString();
    }

    /** The normalized domain of {@code address}; throws {@link DirectoryException} INVALID when malformed. */
    public static String domainOf(String address) {
        return parse(address).domain();
    }

    /** Normalized local part and domain; {@link Parsed#key()} is the case-folded lookup key. */
    record Parsed(String localPart, String domain) {
        String key() {
            return localPart.toLowerCase(Locale.ROOT) + "@" + domain;
        }

        @Override
        public String toString() {
            return localPart + "@" + domain;
        }
    }

    static Parsed parse(String address) {
        if (address == null || address.isEmpty()) {
            throw DirectoryException.invalid("the address is empty");
        }
        int at = address.lastIndexOf('@');
        if (at < 0) {
            throw DirectoryException.invalid("address " + printable(address) + " has no @domain");
        }
        String local = localPart(address.substring(0, at), address);
        String domain = domain(address.substring(at + 1));
        Parsed parsed = new Parsed(local, domain);
        if (parsed.toString().getBytes(StandardCharsets.UTF_8).length > MAX_MAILBOX_OCTETS) {
            throw DirectoryException.invalid("address " + printable(address) + " is longer than "
                    + MAX_MAILBOX_OCTETS + " octets");
        }
        return parsed;
    }

    /** Lower-case ASCII form of a domain name; throws INVALID naming the problem. */
    static String domain(String name) {
        if (name == null || name.isEmpty()) {
            throw DirectoryException.invalid("the domain name is empty");
        }
        String ascii;
        try {
            ascii = IDN.toASCII(name, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw DirectoryException.invalid("domain " + printable(name) + " is not a valid domain name");
        }
        if (ascii.isEmpty() || ascii.length() > MAX_DOMAIN_OCTETS) {
            throw DirectoryException.invalid("domain " + printable(name) + " is not a valid domain name");
        }
        for (String label : ascii.split("\\.", -1)) {
            if (!isLdhLabel(label)) {
                throw DirectoryException.invalid("domain " + printable(name) + " is not a valid domain name");
            }
        }
        return ascii;
    }

    private static boolean isLdhLabel(String label) {
        int n = label.length();
        if (n == 0 || n > MAX_LABEL_OCTETS || label.charAt(0) == '-' || label.charAt(n - 1) == '-') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = label.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static String localPart(String raw, String address) {
        if (raw.isEmpty()) {
            throw DirectoryException.invalid("address " + printable(address) + " has an empty local part");
        }
        String local;
        if (raw.charAt(0) == '"') {
            String content = unquote(raw, address);
            local = isDotAtom(content) ? content : quote(content);
        } else if (isDotAtom(raw)) {
            local = raw;
        } else {
            throw DirectoryException.invalid("address " + printable(address) + " has a malformed local part");
        }
        local = Normalizer.normalize(local, Normalizer.Form.NFC);
        if (local.getBytes(StandardCharsets.UTF_8).length > MAX_LOCAL_PART_OCTETS) {
            throw DirectoryException.invalid("address " + printable(address) + " has a local part longer than "
                    + MAX_LOCAL_PART_OCTETS + " octets");
        }
        return local;
    }

    /** The content of an RFC 5321 quoted-string, escapes removed. */
    private static String unquote(String raw, String address) {
        int n = raw.length();
        if (n < 2 || raw.charAt(n - 1) != '"') {
            throw DirectoryException.invalid("address " + printable(address) + " has an unterminated quoted local part");
        }
        StringBuilder out = new StringBuilder(n);
        for (int i = 1; i < n - 1; i++) {
            char c = raw.charAt(i);
            if (c == '\\') {
                if (i + 1 >= n - 1 || !isQuotedPairChar(raw.charAt(i + 1))) {
                    throw DirectoryException.invalid("address " + printable(address) + " has a bad escape in its local part");
                }
                out.append(raw.charAt(++i));
            } else if (c == '"' || !isQtext(raw, i)) {
                throw DirectoryException.invalid("address " + printable(address) + " has a malformed quoted local part");
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String quote(String content) {
        StringBuilder out = new StringBuilder(content.length() + 2).append('"');
        for (int i = 0; i < content.length(); i++) {
            char c = content.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append('"').toString();
    }

    private static boolean isQuotedPairChar(char c) {
        return c >= 32 && c <= 126;
    }

    /** qtextSMTP (RFC 5321) plus UTF8-non-ascii (RFC 6531); space is allowed, " and \ are not. */
    private static boolean isQtext(String s, int i) {
        char c = s.charAt(i);
        if (c < 128) {
            return c >= 32 && c <= 126 && c != '"' && c != '\\';
        }
        return isNonAsciiText(s, i);
    }

    static boolean isDotAtom(String s) {
        if (s.isEmpty() || s.charAt(0) == '.' || s.charAt(s.length() - 1) == '.' || s.contains("..")) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                continue;
            }
            if (c < 128 ? !isAtext(c) : !isNonAsciiText(s, i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAtext(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    /** A non-ASCII character that is well-formed UTF-16 and not a control character. */
    private static boolean isNonAsciiText(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
        }
        return !Character.isISOControl(c);
    }

    /** The input for an error message, with control characters shown as '?' and cut to a sane length. */
    static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && i < 100; i++) {
            char c = s.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return s.length() > 100 ? out + "..." : out.toString();
    }
}
