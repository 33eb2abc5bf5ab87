package org.mailslot.core.net;

import java.io.IOException;

/** What a protocol plugs into {@link LineServer}: the session itself, and the words it uses to refuse or end one. */
public interface SessionHandler {

    /** Serves one connection until the session ends. Exceptions are logged and answered by the server. */
    void serve(Connection connection) throws IOException;

    /** The line sent to a client that is refused before its session starts (no CRLF). */
    String refusal(Refusal why);

    /** The line sent when the client was silent or too slow for too long (no CRLF). */
    String timeoutReply();

    /** The line sent when the server failed; {@code incident} is the id in the log (no CRLF). */
    String internalErrorReply(String incident);

    enum Refusal { TOO_MANY_CONNECTIONS, TOO_MANY_FROM_ADDRESS, SHUTTING_DOWN }
}
