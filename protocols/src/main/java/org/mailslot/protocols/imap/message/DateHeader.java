package org.mailslot.protocols.imap.message;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A lenient RFC 5322 date-time reader for the Date: header: optional day name, day, month name, 2-4 digit year
 * (obsolete two-digit years as RFC 5322 4.3), hh:mm[:ss], numeric or obsolete named zone; comments ignored; a
 * missing or unknown zone is UTC. Anything else is unparsable (null), and callers fall back to the internal date.
 */
final class DateHeader {
    private static final String[] MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
            "nov", "dec"};

    private DateHeader() {}

    static OffsetDateTime parse(String value) {
        if (value == null) {
            return null;
        }
        List<String> t = tokens(value);
        int i = 0;
        if (i < t.size() && Character.isLetter(t.get(i).charAt(0)) && month(t.get(i)) < 0) {
            i++; // day of week
        }
        try {
            int day;
            int month;
            if (i + 1 < t.size() && isDigits(t.get(i)) && month(t.get(i + 1)) > 0) {
                day = Integer.parseInt(t.get(i));
                month = month(t.get(i + 1));
            } else if (i + 1 < t.size() && month(t.get(i)) > 0 && isDigits(t.get(i + 1))) {
                month = month(t.get(i)); // "Jan 5 2024" (seen in the wild)
                day = Integer.parseInt(t.get(i + 1));
            } else {
                return null;
            }
            i += 2;
            if (i >= t.size() || !isDigits(t.get(i)) || t.get(i).length() > 4) {
                return null;
            }
            int year = Integer.parseInt(t.get(i));
            if (t.get(i).length() <= 2) {
                year += year < 50 ? 2000 : 1900;
            } else if (t.get(i).length() == 3) {
                year += 1900;
            }
            i++;
            int hour = 0;
            int minute = 0;
            int second = 0;
            if (i < t.size() && t.get(i).indexOf(':') > 0) {
                String[] hms = t.get(i).split(":");
                if (hms.length < 2 || hms.length > 3) {
                    return null;
                }
                hour = Integer.parseInt(hms[0]);
                minute = Integer.parseInt(hms[1]);
                second = hms.length == 3 ? Integer.parseInt(hms[2]) : 0;
                i++;
            }
            ZoneOffset zone = i < t.size() ? zone(t.get(i)) : ZoneOffset.UTC;
            if (second == 60) {
                second = 59; // leap second
            }
            return OffsetDateTime.of(year, month, day, hour, minute, second, 0, zone);
        } catch (NumberFormatException | DateTimeException e) {
            return null;
        }
    }

    private static List<String> tokens(String v) {
        List<String> out = new ArrayList<>(8);
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (depth > 0) {
                continue;
            } else if (c == ' ' || c == '\t' || c == ',' || c == '\r' || c == '\n') {
                if (!cur.isEmpty()) {
                    out.add(cur.toString());
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
            }
        }
        if (!cur.isEmpty()) {
            out.add(cur.toString());
        }
        return out;
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** 1..12, or -1. */
    private static int month(String s) {
        if (s.length() < 3) {
            return -1;
        }
        String p = s.substring(0, 3).toLowerCase(Locale.ROOT);
        for (int m = 0; m < MONTHS.length; m++) {
            if (MONTHS[m].equals(p)) {
                return m + 1;
            }
        }
        return -1;
    }

    private static ZoneOffset zone(String z) {
        if ((z.startsWith("+") || z.startsWith("-")) && z.length() == 5 && isDigits(z.substring(1))) {
            int h = Integer.parseInt(z.substring(1, 3));
            int m = Integer.parseInt(z.substring(3));
            if (h > 18 || m > 59) {
                return ZoneOffset.UTC;
            }
            int sign = z.charAt(0) == '-' ? -1 : 1;
            return ZoneOffset.ofHoursMinutes(sign * h, sign * m);
        }
        return switch (z.toUpperCase(Locale.ROOT)) {
            case "EDT" -> ZoneOffset.ofHours(-4);
            case "EST", "CDT" -> ZoneOffset.ofHours(-5);
            case "CST", "MDT" -> ZoneOffset.ofHours(-6);
            case "MST", "PDT" -> ZoneOffset.ofHours(-7);
            case "PST" -> ZoneOffset.ofHours(-8);
            default -> ZoneOffset.UTC; // UT, GMT, Z, military zones (RFC 5322 4.3: treat as -0000) and junk
        };
    }
}
