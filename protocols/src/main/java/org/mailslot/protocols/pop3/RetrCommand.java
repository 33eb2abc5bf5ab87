package org.mailslot.protocols.pop3;

import java.io.IOException;
import java.io.InputStream;

/**
 * RETR msg (RFC 1939 section 5): the whole message, dot-stuffed and streamed from the store. The message is
 * marked {@code \Seen} when the session ends (if {@code pop3.mark-seen}), whether or not the client QUITs.
 */
final class RetrCommand {
    private RetrCommand() {
    }

    static void run(Pop3Session s, Pop3Command.Retr c) throws IOException {
        int n = c.message();
        if (!s.checkMessage(Pop3Verb.RETR, n)) {
            return;
        }
        if (send(s, Pop3Verb.RETR, n, s.maildrop().entry(n).size() + " octets", DotStuffer.ALL)) {
            s.maildrop().retrieved(n);
            s.connection().metrics().delivery("retrieved");
        }
    }

    /**
     * Opens the body, answers +OK and streams it. A body that cannot be opened gets -ERR [SYS/TEMP]; a failure
     * after the +OK throws, so the connection drops without the final "." and the client cannot take a
     * truncated message for a whole one.
     */
    static boolean send(Pop3Session s, Pop3Verb verb, int n, String okText, long bodyLines) throws IOException {
        InputStream body;
        try {
            body = s.maildrop().openBody(n);
        } catch (RuntimeException e) {
            String id = s.incident("opening message " + n + " (" + s.maildrop().entry(n).blobHash() + ")", e);
            s.refuse(verb, "store", RespCode.SYS_TEMP, "Message " + n + " temporarily unavailable (incident " + id + ")");
            return false;
        }
        try (body) {
            s.ok(okText);
            DotStuffer.copy(body, s.connection().output(), bodyLines);
        }
        return true;
    }
}
