package org.mailslot.protocols.pop3;

/** What the parser makes of one command line: a well-formed command, or the reason it is not one. */
sealed interface Pop3Request permits Pop3Command, Pop3Request.Malformed {

    /**
     * A line that is not a valid command.
     *
     * @param verb    the known verb, when the keyword was one (for metrics and the state gate), else null
     * @param keyword the keyword as sent, made printable and cut short, for the log
     * @param reason  the text of the {@code -ERR} answer
     */
    record Malformed(Pop3Verb verb, String keyword, String reason) implements Pop3Request {}
}
