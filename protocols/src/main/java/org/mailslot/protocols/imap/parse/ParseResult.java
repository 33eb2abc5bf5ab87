package org.mailslot.protocols.imap.parse;

/** What {@link CommandParser#parse} returns. */
public sealed interface ParseResult permits ParseResult.Parsed, ParseError {
    record Parsed(ImapRequest request) implements ParseResult {}
}
