package org.mailslot.protocols.imap.parse;

/**
 * Limits {@link ImapReader} enforces while it reads (policy limits get BAD or NO; the absolute ceiling, a
 * non-synchronizing literal too big to take, gets BYE).
 *
 * @param maxLineLength  longest line segment in octets, without CRLF (default 64 KiB, 1 KiB..16 MiB)
 * @param maxLiteralSize largest literal in octets; APPENDLIMIT (default 50 MiB, 0..2 GiB-1)
 * @param maxCommandSize largest whole command in octets, lines and literals together (default 100 MiB, at least
 *                       maxLineLength, at most 4 GiB); literals are held in memory, so this bounds a session's buffer
 * @param literalMinus   LITERAL- (RFC 7888) instead of LITERAL+: non-synchronizing literals over 4096 octets are refused
 */
public record ReaderLimits(int maxLineLength, long maxLiteralSize, long maxCommandSize, boolean literalMinus) {
    public static final int DEFAULT_MAX_LINE_LENGTH = 64 * 1024;
    public static final long DEFAULT_MAX_LITERAL_SIZE = 50L * 1024 * 1024;
    public static final long DEFAULT_MAX_COMMAND_SIZE = 100L * 1024 * 1024;
    /** RFC 7888 section 4: with LITERAL-, only literals up to this size may be non-synchronizing. */
    public static final int LITERAL_MINUS_MAX = 4096;

    public ReaderLimits {
        if (maxLineLength < 1024 || maxLineLength > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("imap max line length must be 1024..16777216 octets, got " + maxLineLength);
        }
        if (maxLiteralSize < 0 || maxLiteralSize > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("imap max literal size must be 0..2147483639 octets, got " + maxLiteralSize);
        }
        if (maxCommandSize < maxLineLength || maxCommandSize > 4L * 1024 * 1024 * 1024) {
            throw new IllegalArgumentException("imap max command size must be max line length.." + (4L << 30) + " octets, got " + maxCommandSize);
        }
    }

    public static ReaderLimits defaults() {
        return new ReaderLimits(DEFAULT_MAX_LINE_LENGTH, DEFAULT_MAX_LITERAL_SIZE, DEFAULT_MAX_COMMAND_SIZE, false);
    }
}
