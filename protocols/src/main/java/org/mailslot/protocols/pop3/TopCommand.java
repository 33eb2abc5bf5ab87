package org.mailslot.protocols.pop3;

import java.io.IOException;

/** TOP msg n (RFC 1939 section 7): the header, the blank line, and the first n lines of the body. */
final class TopCommand {
    private TopCommand() {
    }

    static void run(Pop3Session s, Pop3Command.Top c) throws IOException {
        if (s.checkMessage(Pop3Verb.TOP, c.message())) {
            RetrCommand.send(s, Pop3Verb.TOP, c.message(), "Top of message follows", c.lines());
        }
    }
}
