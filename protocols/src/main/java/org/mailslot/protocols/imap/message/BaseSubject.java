package org.mailslot.protocols.imap.message;

import org.mailslot.core.mime.HeaderDecoder;
import java.util.Locale;

/**
 * The base subject of RFC 5256 section 2.1, used by SORT SUBJECT and both THREAD algorithms.
 *
 * @param text           the base subject: encoded words decoded, white space collapsed, reply/forward markers and
 *                       list tags removed; case kept
 * @param replyOrForward whether extraction removed a {@code Re:}/{@code Fwd:}, a {@code (fwd)} trailer or a
 *                       {@code [fwd: ...]} wrapper (RFC 5256 section 2.1, "reply or forward")
 */
public record BaseSubject(String text, boolean replyOrForward) {

    /** The comparison key: lower-cased (see {@link Collation}). */
    public String key() {
        return Collation.key(text);
    }

    /** From a raw Subject header value (null = no subject). */
    public static BaseSubject of(String rawSubject) {
        if (rawSubject == null) {
            return new BaseSubject("", false);
        }
        String s = collapse(HeaderDecoder.decode(rawSubject));
        boolean reply = false;
        while (true) {
            // (2) trailers: "(fwd)" and white space
            boolean changed = true;
            while (changed) {
                changed = false;
                if (s.endsWith(" ")) {
                    s = s.substring(0, s.length() - 1);
                    changed = true;
                } else if (endsWithIgnoreCase(s, "(fwd)")) {
                    s = s.substring(0, s.length() - 5);
                    reply = true;
                    changed = true;
                }
            }
            // (3)-(5) leaders and blobs
            changed = true;
            while (changed) {
                changed = false;
                while (!s.isEmpty()) {
                    if (s.charAt(0) == ' ') {
                        s = s.substring(1);
                        changed = true;
                        continue;
                    }
                    int after = refwdLeader(s);
                    if (after < 0) {
                        break;
                    }
                    s = s.substring(after);
                    reply = true;
                    changed = true;
                }
                int blob = blobEnd(s, 0);
                if (blob > 0 && blob < s.length() && !s.substring(blob).isBlank()) {
                    s = s.substring(blob);
                    changed = true;
                }
            }
            // (6) "[fwd: ... ]"
            if (s.length() >= 6 && s.regionMatches(true, 0, "[fwd:", 0, 5) && s.endsWith("]")) {
                s = s.substring(5, s.length() - 1);
                reply = true;
                continue;
            }
            return new BaseSubject(s, reply);
        }
    }

    /** Tabs and line breaks to spaces, runs of spaces to one. */
    private static String collapse(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                if (!space) {
                    sb.append(' ');
                }
                space = true;
            } else {
                sb.append(c);
                space = false;
            }
        }
        return sb.toString();
    }

    private static boolean endsWithIgnoreCase(String s, String suffix) {
        return s.length() >= suffix.length()
                && s.regionMatches(true, s.length() - suffix.length(), suffix, 0, suffix.length());
    }

    /** subj-leader without the WSP case: *subj-blob subj-refwd; the index after it, or -1. */
    private static int refwdLeader(String s) {
        int pos = 0;
        int b;
        while ((b = blobEnd(s, pos)) > 0) {
            pos = b;
        }
        int word;
        if (s.regionMatches(true, pos, "re", 0, 2)) {
            word = pos + 2;
        } else if (s.regionMatches(true, pos, "fwd", 0, 3)) {
            word = pos + 3;
        } else if (s.regionMatches(true, pos, "fw", 0, 2)) {
            word = pos + 2;
        } else {
            return -1;
        }
        int p = skipSpace(s, word);
        int blob = blobEnd(s, p);
        if (blob > 0) {
            p = blob;
        }
        return p < s.length() && s.charAt(p) == ':' ? p + 1 : -1;
    }

    /** subj-blob at {@code pos}: "[" *BLOBCHAR "]" *WSP; the index after it, or -1. */
    private static int blobEnd(String s, int pos) {
        if (pos >= s.length() || s.charAt(pos) != '[') {
            return -1;
        }
        for (int i = pos + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ']') {
                return skipSpace(s, i + 1);
            }
            if (c == '[') {
                return -1;
            }
        }
        return -1;
    }

    private static int skipSpace(String s, int p) {
        while (p < s.length() && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) {
            p++;
        }
        return p;
    }

    /** For debugging and tests. */
    @Override
    public String toString() {
        return (replyOrForward ? "reply:" : "") + text.toLowerCase(Locale.ROOT);
    }
}
