package org.mailslot.protocols.smtp;

/** What {@link CommandParser} makes of one command line. */
sealed interface ParseResult {

    record Ok(SmtpCommand command) implements ParseResult {}

    /**
     * The line is not a valid command. {@code verb} is the recognised verb or null; {@code fatal} means the session
     * cannot continue (an HTTP request, a BDAT whose chunk size is unknown so the next command cannot be found).
     */
    record Error(SmtpCommand.Verb verb, Reply reply, boolean fatal) implements ParseResult {}
}
