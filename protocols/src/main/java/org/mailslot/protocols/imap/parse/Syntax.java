package org.mailslot.protocols.imap.parse;

/** A syntax error inside the parser; caught at the top and turned into {@link ParseError.Bad}. No stack trace. */
final class Syntax extends RuntimeException {
    final String code;

    Syntax(String message) {
        this(null, message);
    }

    Syntax(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }
}
