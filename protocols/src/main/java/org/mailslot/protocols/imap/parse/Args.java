package org.mailslot.protocols.imap.parse;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Argument forms several commands share: mailbox names, flags, dates. */
final class Args {
    private static final String[] MONTHS = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    private static final String[] SYSTEM_FLAGS = {"\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft", "\\Recent"};
    private static final String[] USE_ATTRIBUTES = {"\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent", "\\Trash"};

    private Args() {
    }

    /** mailbox = "INBOX" / astring; Unicode, decoded from modified UTF-7 unless utf8; INBOX upper-cased. */
    static String mailbox(Cursor c, boolean utf8) {
        return mailboxName(c.astringBytes(), utf8);
    }

    static String mailboxName(byte[] raw, boolean utf8) {
        String s = Cursor.utf8(raw);
        if (!utf8 && isAscii(raw)) {
            try {
                s = MailboxNameCodec.decode(s);
            } catch (IllegalArgumentException e) {
                throw new Syntax("Mailbox name is not valid modified UTF-7: " + e.getMessage());
            }
        }
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < 0x20 || ch == 0x7f) throw new Syntax("Control character in a mailbox name");
        }
        return s.length() == 5 && s.equalsIgnoreCase("INBOX") ? "INBOX" : s;
    }

    private static boolean isAscii(byte[] b) {
        for (byte x : b) {
            if (x < 0) return false;
        }
        return true;
    }

    /** flag = "\" atom / keyword; system flags in canonical case. \Recent and \* are refused (not storable). */
    static String flag(Cursor c) {
        boolean system = c.tryChar('\\');
        String atom = c.atom();
        if (!system) return atom;
        String f = "\\" + atom;
        for (String s : SYSTEM_FLAGS) {
            if (s.equalsIgnoreCase(f)) {
                if (s.equals("\\Recent")) throw new Syntax("\\Recent cannot be set or stored");
                return s;
            }
        }
        throw new Syntax("Unknown system flag " + f);
    }

    /** flag-list = "(" [flag *(SP flag)] ")". */
    static List<String> flagList(Cursor c) {
        c.expect('(');
        List<String> flags = new ArrayList<>(4);
        if (c.tryChar(')')) return flags;
        do {
            flags.add(flag(c));
        } while (c.trySp());
        c.expect(')');
        return flags;
    }

    /** A CREATE USE attribute (RFC 6154), known ones in canonical case. */
    static String useAttribute(Cursor c) {
        c.expect('\\');
        String f = "\\" + c.atom();
        for (String s : USE_ATTRIBUTES) {
            if (s.equalsIgnoreCase(f)) return s;
        }
        return f;
    }

    /** date = date-text / DQUOTE date-text DQUOTE; date-text = 1*2DIGIT "-" month "-" 4DIGIT. */
    static LocalDate date(Cursor c) {
        boolean quoted = c.tryChar('"');
        int day = digits(c, 1, 2);
        c.expect('-');
        int month = month(c);
        c.expect('-');
        int year = digits(c, 4, 4);
        if (quoted) c.expect('"');
        try {
            return LocalDate.of(year, month, day);
        } catch (DateTimeException e) {
            throw new Syntax("Invalid date");
        }
    }

    /** date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE. */
    static OffsetDateTime dateTime(Cursor c) {
        c.expect('"');
        c.trySp(); // date-day-fixed: SP DIGIT
        int day = digits(c, 1, 2);
        c.expect('-');
        int month = month(c);
        c.expect('-');
        int year = digits(c, 4, 4);
        c.expect(' ');
        int h = digits(c, 2, 2);
        c.expect(':');
        int m = digits(c, 2, 2);
        c.expect(':');
        int s = digits(c, 2, 2);
        c.expect(' ');
        int sign = c.tryChar('+') ? 1 : c.tryChar('-') ? -1 : 0;
        if (sign == 0) throw new Syntax("Invalid time zone in date-time");
        int zone = digits(c, 4, 4);
        c.expect('"');
        try {
            int zh = zone / 100;
            int zm = zone % 100;
            if (zm > 59 || zh > 18) throw new DateTimeException("zone");
            ZoneOffset off = ZoneOffset.ofHoursMinutes(sign * zh, sign * zm);
            return OffsetDateTime.of(year, month, day, h, m, s, 0, off);
        } catch (DateTimeException e) {
            throw new Syntax("Invalid date-time");
        }
    }

    private static int digits(Cursor c, int min, int max) {
        int v = 0;
        int n = 0;
        while (n < max && c.peek() >= '0' && c.peek() <= '9') {
            v = v * 10 + (c.peek() - '0');
            c.tryChar((char) c.peek());
            n++;
        }
        if (n < min) throw new Syntax("Invalid date");
        return v;
    }

    private static int month(Cursor c) {
        char[] m = new char[3];
        for (int i = 0; i < 3; i++) {
            int b = c.peek();
            if (b < 0) throw new Syntax("Invalid month");
            m[i] = Character.toUpperCase((char) b);
            c.tryChar((char) b);
        }
        String s = new String(m);
        for (int i = 0; i < 12; i++) {
            if (MONTHS[i].equals(s)) return i + 1;
        }
        throw new Syntax("Invalid month " + s);
    }

    static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }
}
