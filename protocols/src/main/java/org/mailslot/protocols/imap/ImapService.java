package org.mailslot.protocols.imap;

import org.mailslot.core.net.Connection;
import org.mailslot.core.net.SessionHandler;
import org.mailslot.protocols.ProtocolContext;
import org.mailslot.protocols.imap.parse.CommandParser;
import org.mailslot.protocols.imap.parse.ImapReader;
import org.mailslot.protocols.imap.session.MailboxWatcher;

import java.io.IOException;

/**
 * The IMAP server (RFC 9051 and RFC 3501 with the extensions in {@link Capabilities}) as a {@link SessionHandler}
 * for {@code LineServer}. Use one instance for the STARTTLS (143) and the implicit-TLS (993) listener: they then
 * share the per-account session count and the store watchers that wake IDLE.
 */
public final class ImapService implements SessionHandler {
    private final ImapSettings settings;
    private final ProtocolContext ctx;
    private final ImapReader reader;
    private final CommandParser parser;
    private final MailboxWatcher watcher = new MailboxWatcher();
    private final AccountSessions accountSessions = new AccountSessions();

    public ImapService(ImapSettings settings, ProtocolContext ctx) {
        this.settings = settings;
        this.ctx = ctx;
        this.reader = new ImapReader(settings.readerLimits());
        this.parser = new CommandParser(settings.maxNesting());
    }

    @Override
    public void serve(Connection connection) throws IOException {
        new ImapSession(connection, settings, ctx, reader, parser, watcher, accountSessions).run();
    }

    @Override
    public String refusal(Refusal why) {
        return switch (why) {
            case TOO_MANY_CONNECTIONS -> "* BYE [UNAVAILABLE] Too many connections, try again later";
            case TOO_MANY_FROM_ADDRESS -> "* BYE [UNAVAILABLE] Too many connections from your address, try again later";
            case SHUTTING_DOWN -> "* BYE [UNAVAILABLE] Server shutting down, try again later";
        };
    }

    @Override
    public String timeoutReply() {
        return "* BYE Autologout; idle for too long";
    }

    @Override
    public String internalErrorReply(String incident) {
        return "* BYE [SERVERBUG] Internal error, incident " + incident;
    }
}
