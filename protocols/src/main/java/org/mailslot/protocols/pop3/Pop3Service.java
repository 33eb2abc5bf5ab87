package org.mailslot.protocols.pop3;

import org.mailslot.core.net.Connection;
import org.mailslot.core.net.SessionHandler;
import org.mailslot.protocols.ProtocolContext;

import java.io.IOException;

/**
 * The POP3 server (RFC 1939, 2449, 2595, 5034) as a {@link SessionHandler} for {@code LineServer}. Use one
 * instance for the plain (110, STLS) and the implicit-TLS (995) listener: they then share the maildrop locks
 * that give a second session of an account {@code -ERR [IN-USE]}.
 */
public final class Pop3Service implements SessionHandler {
    /** RFC 2449 section 4: arguments are at most 255 octets (the AUTH initial response excepted). */
    static final int MAX_ARGUMENT_LENGTH = 255;

    private final Pop3Settings settings;
    private final ProtocolContext ctx;
    private final MaildropLocks locks = new MaildropLocks();
    private final Pop3Parser parser;

    public Pop3Service(Pop3Settings settings, ProtocolContext ctx) {
        this.settings = settings;
        this.ctx = ctx;
        this.parser = new Pop3Parser(settings.net().lineLengthLimit(), MAX_ARGUMENT_LENGTH);
    }

    @Override
    public void serve(Connection connection) throws IOException {
        new Pop3Session(connection, settings, ctx, locks, parser).run();
    }

    @Override
    public String refusal(Refusal why) {
        return switch (why) {
            case TOO_MANY_CONNECTIONS -> "-ERR [SYS/TEMP] Too many connections, try again later";
            case TOO_MANY_FROM_ADDRESS -> "-ERR [SYS/TEMP] Too many connections from your address, try again later";
            case SHUTTING_DOWN -> "-ERR [SYS/TEMP] Server shutting down, try again later";
        };
    }

    @Override
    public String timeoutReply() {
        return "-ERR Disconnected for inactivity";
    }

    @Override
    public String internalErrorReply(String incident) {
        return "-ERR [SYS/TEMP] Internal error, incident " + incident;
    }
}
