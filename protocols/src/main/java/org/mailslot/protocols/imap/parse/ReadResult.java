package org.mailslot.protocols.imap.parse;

/** What {@link ImapReader#read} returns: a whole command, the end of the stream, or an error to answer. */
public sealed interface ReadResult permits ReadResult.Complete, ReadResult.EndOfStream, ParseError {
    /** One whole command, literals included; hand it to {@link CommandParser#parse}. */
    record Complete(RawCommand command) implements ReadResult {}

    /** The client closed the connection (a partly sent command is dropped). */
    record EndOfStream() implements ReadResult {}
}
