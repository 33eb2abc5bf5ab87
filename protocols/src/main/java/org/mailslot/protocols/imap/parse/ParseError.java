package org.mailslot.protocols.imap.parse;

/**
 * Why a command could not be read or parsed. One place (the session, through
 * {@code ResponseWriter.error}) turns it into a response: {@link Bad} is "tag BAD [code] text" (untagged when the
 * tag is unknown or invalid) and the session reads the next command; {@link Rejected} is "tag NO [code] text"
 * (a synchronizing literal refused before it was sent); {@link Fatal} is "* BYE text" and the connection closes.
 */
public sealed interface ParseError extends ReadResult, ParseResult {
    /** The command's tag, or null when it is unknown or not a valid tag (the response is then untagged). */
    String tag();

    /** A response code without brackets (e.g. "TOOBIG", "BADCHARSET (UTF-8 US-ASCII)"), or null. */
    String code();

    /** Human-readable reason, one line. */
    String text();

    /** Whether the connection must be closed (after "* BYE"). */
    boolean fatal();

    record Bad(String tag, String code, String text) implements ParseError {
        public Bad(String tag, String text) {
            this(tag, null, text);
        }

        @Override
        public boolean fatal() {
            return false;
        }
    }

    record Rejected(String tag, String code, String text) implements ParseError {
        @Override
        public boolean fatal() {
            return false;
        }
    }

    record Fatal(String tag, String text) implements ParseError {
        @Override
        public String code() {
            return null;
        }

        @Override
        public boolean fatal() {
            return true;
        }
    }
}
