package org.mailslot.protocols.smtp;

/**
 * RFC 5321 4.1.2 Mailbox syntax, with RFC 6531 UTF-8 in local parts and domains: {@code Local-part "@" ( Domain /
 * address-literal )}. Checks only; lookups normalise addresses with the directory's {@code Addresses}.
 */
final class MailboxSyntax {
    private MailboxSyntax() {}

    /** Null when {@code mailbox} is well-formed, else a short reason for the reply. */
    static String check(String mailbox) {
        int at = localPartEnd(mailbox);
        if (at < 0) {
            return "malformed local part";
        }
        if (at >= mailbox.length() || mailbox.charAt(at) != '@') {
            return "missing @domain";
        }
        if (at == 0) {
            return "empty local part";
        }
        if (at > 64 && mailbox.substring(0, at).getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 64) {
            return "local part longer than 64 octets";
        }
        String domain = mailbox.substring(at + 1);
        return domain.startsWith("[") ? addressLiteral(domain) : domain(domain);
    }

    /** Index just after the local part, or -1 when it is malformed. */
    private static int localPartEnd(String s) {
        if (s.startsWith("\"")) {
            for (int i = 1; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\\') {
                    if (i + 1 >= s.length() || s.charAt(i + 1) < 32 || s.charAt(i + 1) > 126) {
                        return -1;
                    }
                    i++;
                } else if (c == '"') {
                    return i + 1;
                } else if (c < 32 || c == 127) {
                    return -1;
                }
            }
            return -1;
        }
        int at = s.lastIndexOf('@');
        if (at <= 0) {
            return at == 0 ? 0 : s.length();
        }
        String local = s.substring(0, at);
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            return -1;
        }
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c != '.' && !atext(c)) {
                return -1;
            }
        }
        return at;
    }

    private static boolean atext(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0 || (c >= 128 && !Character.isISOControl(c));
    }

    private static String domain(String d) {
        if (d.isEmpty()) {
            return "empty domain";
        }
        if (d.length() > 255) {
            return "domain too long";
        }
        for (String label : d.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return "malformed domain";
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
                        || (c >= 128 && Character.isLetterOrDigit(c)) || Character.isSurrogate(c)
                        || (c >= 128 && Character.getType(c) == Character.NON_SPACING_MARK);
                if (!ok) {
                    return "malformed domain";
                }
            }
        }
        return null;
    }

    private static String addressLiteral(String d) {
        if (!d.endsWith("]") || d.length() < 3) {
            return "malformed address literal";
        }
        for (int i = 1; i < d.length() - 1; i++) {
            char c = d.charAt(i);
            if (c < 33 || c > 126 || c == '[' || c == ']' || c == '\\') {
                return "malformed address literal";
            }
        }
        return null;
    }
}
