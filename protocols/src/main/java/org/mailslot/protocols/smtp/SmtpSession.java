package org.mailslot.protocols.smtp;

import org.mailslot.core.net.Connection;
import org.mailslot.core.net.Line;
import org.mailslot.directory.Account;
import org.mailslot.protocols.ProtocolContext;
import org.mailslot.protocols.delivery.Outbox;
import org.mailslot.protocols.delivery.MailDrop;
import org.mailslot.protocols.smtp.SmtpCommand.Verb;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One SMTP/LMTP/submission dialogue: reads command lines, parses them, checks the session state and dispatches
 * with one exhaustive switch; the commands with real work have their own classes (MAIL, RCPT, DATA, BDAT, AUTH).
 * Every refusal is one INFO log line; too many refused commands end the session with 421.
 */
final class SmtpSession {
    private static final Logger log = LoggerFactory.getLogger(SmtpSession.class);

    final Connection conn;
    final SmtpMode mode;
    final SmtpSettings settings;
    final ProtocolContext ctx;
    final String hostname;
    final Outbox outbox;
    final MailDrop drop;
    final EnvelopePolicy policy;
    private final SmtpService.Commands commands;
    private final CommandParser parser;

    /** The HELO/EHLO/LHLO name, null until greeted (and again after STARTTLS). */
    String helo;
    boolean extended;
    /** Submission: the logged-in account. */
    Account user;
    Transaction txn;
    int authFailures;
    private int badCommands;
    private boolean closed;

    SmtpSession(Connection conn, SmtpService service, SmtpService.Commands commands) {
        this.conn = conn;
        this.mode = service.mode();
        this.settings = service.settings();
        this.ctx = service.context();
        this.hostname = service.hostname();
        this.outbox = service.outbox();
        this.drop = service.drop();
        this.policy = service.policy();
        this.commands = commands;
        this.parser = new CommandParser(mode);
    }

    void run() throws IOException {
        try {
            send(Reply.of(220, null, hostname + (mode == SmtpMode.LMTP ? " LMTP" : " ESMTP") + " mailslot"));
            conn.flush();
            while (!closed) {
                Line line = conn.readLine();
                if (line == null || line.ending() == Line.Ending.EOF) {
                    return;
                }
                if (line.ending() == Line.Ending.NONE) {
                    if (!conn.skipLine()) {
                        return;
                    }
                    refuse(null, Reply.of(500, "5.5.2", "Line too long"), "limit");
                    continue;
                }
                switch (parser.parse(line.bytes())) {
                    case ParseResult.Error e -> {
                        if (e.verb() != null) {
                            conn.metrics().command(e.verb().name());
                        }
                        refuse(e.verb(), e.reply(), "syntax");
                        if (e.fatal()) {
                            closed = true;
                        }
                    }
                    case ParseResult.Ok ok -> {
                        conn.metrics().command(ok.command().verb().name());
                        dispatch(ok.command());
                    }
                }
            }
        } finally {
            endTransaction();
            try {
                conn.flush();
            } catch (IOException ignored) {
                // the client is gone; the exception that ended the session (if any) is the one that matters
            }
        }
    }

    private void dispatch(SmtpCommand command) throws IOException {
        switch (command) {
            case SmtpCommand.Hello h -> hello(h);
            case SmtpCommand.Mail m -> commands.mail().handle(this, m);
            case SmtpCommand.Rcpt r -> commands.rcpt().handle(this, r);
            case SmtpCommand.Bdat b -> commands.bdat().handle(this, b);
            case SmtpCommand.Auth a -> commands.auth().handle(this, a);
            case SmtpCommand.Vrfy v -> reply(Verb.VRFY, Reply.of(252, "2.5.2", "Cannot VRFY user, but will accept message and attempt delivery"));
            case SmtpCommand.NotImplemented n -> refuse(n.verb(), Reply.of(502, "5.5.1", "Command not implemented"), "syntax");
            case SmtpCommand.Simple s -> {
                switch (s.verb()) {
                    case DATA -> commands.data().handle(this);
                    case RSET -> {
                        endTransaction();
                        reply(Verb.RSET, Reply.of(250, "2.0.0", "Ok"));
                    }
                    case NOOP -> reply(Verb.NOOP, Reply.of(250, "2.0.0", "Ok"));
                    case HELP -> reply(Verb.HELP, Reply.of(214, "2.0.0", "See https://www.rfc-editor.org/rfc/rfc5321"));
                    case QUIT -> {
                        reply(Verb.QUIT, Reply.of(221, "2.0.0", "Bye"));
                        closed = true;
                    }
                    case STARTTLS -> startTls();
                    default -> throw new IllegalStateException("no handler for " + s.verb());
                }
            }
        }
    }

    private void hello(SmtpCommand.Hello h) throws IOException {
        endTransaction();
        helo = h.domain();
        extended = h.verb() != Verb.HELO;
        if (!extended) {
            reply(h.verb(), Reply.of(250, null, hostname));
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add(hostname);
        lines.add("PIPELINING");
        lines.add("SIZE " + settings.messageSizeLimit());
        if (conn.canStartTls()) {
            lines.add("STARTTLS");
        }
        if (offersAuth()) {
            lines.add("AUTH PLAIN LOGIN");
        }
        lines.add("ENHANCEDSTATUSCODES");
        lines.add("8BITMIME");
        lines.add("SMTPUTF8");
        lines.add("CHUNKING");
        reply(h.verb(), new Reply(250, null, lines));
    }

    boolean offersAuth() {
        return mode == SmtpMode.SUBMISSION && user == null && ctx.authenticator().mayAuthenticate(conn);
    }

    private void startTls() throws IOException {
        if (!conn.canStartTls()) {
            refuse(Verb.STARTTLS, conn.isSecure() ? Reply.of(503, "5.5.1", "TLS already active")
                    : Reply.of(502, "5.5.1", "STARTTLS not available"), "state");
            return;
        }
        reply(Verb.STARTTLS, Reply.of(220, "2.0.0", "Ready to start TLS"));
        conn.flush();
        conn.startTls();
        // RFC 3207 4.2: forget everything learned before the handshake
        endTransaction();
        helo = null;
        extended = false;
        user = null;
    }

    // ---- helpers for the command classes

    /** Whether the client has greeted; if not, answers 503 and returns false. */
    boolean requireHello(Verb verb) throws IOException {
        if (helo != null) {
            return true;
        }
        refuse(verb, Reply.of(503, "5.5.1", mode == SmtpMode.LMTP ? "Send LHLO first" : "Send HELO/EHLO first"), "state");
        return false;
    }

    Transaction beginTransaction(SmtpCommand.Mail mail) {
        endTransaction();
        txn = new Transaction(Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16).toUpperCase(), mail);
        return txn;
    }

    void endTransaction() {
        if (txn != null) {
            txn.close();
            txn = null;
        }
    }

    /** A spool for {@code t}'s content with our Received header already in it. */
    Spool openSpool(Transaction t) throws IOException {
        Spool spool = new Spool(settings.spoolDir(), settings.spoolMemoryLimit(), settings.messageSizeLimit());
        try {
            spool.prologue(ReceivedHeader.build(new ReceivedHeader.Trace(helo, conn.remote().getAddress(), hostname,
                    ReceivedHeader.with(mode, extended, t.mail.smtputf8(), conn.isSecure(), user != null), t.id,
                    conn.tlsDescription(), t.recipients.size() == 1 ? t.recipients.getFirst().address() : null,
                    ctx.clock().instant().atZone(ZoneOffset.UTC))));
            return spool;
        } catch (IOException | RuntimeException e) {
            spool.close();
            throw e;
        }
    }

    /** Sends a positive (or intermediate) reply; held back while the client's pipeline has more commands. */
    void reply(Verb verb, Reply reply) throws IOException {
        if (!reply.positive()) {
            refuse(verb, reply, "policy");
            return;
        }
        send(reply);
    }

    /** Sends a refusal, logs it, and counts it towards max-bad-commands when permanent. */
    void refuse(Verb verb, Reply reply, String kind) throws IOException {
        refuse(verb, reply, kind, reply.permanent());
    }

    void refuse(Verb verb, Reply reply, String kind, boolean counts) throws IOException {
        conn.metrics().error(kind);
        log.info("{} {} {} -> {}", conn.id(), conn.remote().getAddress().getHostAddress(),
                verb == null ? "(unrecognized)" : verb.name(), reply.firstLine());
        send(reply);
        if (counts && ++badCommands >= settings.maxBadCommands()) {
            log.info("{} {} too many refused commands ({}), closing", conn.id(), conn.remote().getAddress().getHostAddress(), badCommands);
            send(Reply.of(421, "4.7.0", hostname + " Too many errors, closing connection"));
            conn.flush();
            closed = true;
        }
    }

    /** A message was delivered: the client is doing real work, forget its earlier mistakes. */
    void delivered() {
        badCommands = 0;
    }

    void close() {
        closed = true;
    }

    private void send(Reply reply) throws IOException {
        reply.writeTo(conn);
        conn.flushUnlessPipelined();
    }
}
