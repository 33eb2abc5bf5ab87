package org.mailslot.protocols.pop3;

import org.mailslot.core.net.Connection;
import org.mailslot.core.net.Line;
import org.mailslot.directory.Account;
import org.mailslot.protocols.LoginHandoff;
import org.mailslot.protocols.auth.SaslPlain;
import org.mailslot.directory.DirectoryException;
import org.mailslot.protocols.ProtocolContext;
import org.mailslot.protocols.SlotUnavailableException;
import org.mailslot.store.FlagOp;
import org.mailslot.store.Mailbox;
import org.mailslot.store.MessageMeta;
import org.mailslot.store.SlotStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One POP3 conversation: reads command lines, checks them against the state (the command table in
 * {@link Pop3Verb}), dispatches to the command classes, and owns what the session holds (the maildrop lock and
 * snapshot). Runs on the connection's own virtual thread; not thread-safe.
 */
final class Pop3Session {
    private static final Logger log = LoggerFactory.getLogger(Pop3Session.class);
    static final String PLAINTEXT_REFUSED = "Plaintext authentication disallowed on non-secure (SSL/TLS) connections.";

    private final Connection conn;
    private final Pop3Settings settings;
    private final ProtocolContext ctx;
    private final MaildropLocks locks;
    private final Pop3Parser parser;

    private Pop3State state = Pop3State.AUTHORIZATION;
    private String pendingUser;
    private int badCommands;
    private int authFailures;
    private boolean closing;
    private Account account;
    private Maildrop maildrop;
    private boolean seenApplied;

    Pop3Session(Connection conn, Pop3Settings settings, ProtocolContext ctx, MaildropLocks locks, Pop3Parser parser) {
        this.conn = conn;
        this.settings = settings;
        this.ctx = ctx;
        this.locks = locks;
        this.parser = parser;
    }

    void run() throws IOException {
        try {
            conn.writeLine("+OK " + ctx.hostname() + " POP3 ready");
            conn.flush();
            while (!closing) {
                Line line = conn.readLine();
                if (line == null || line.ending() == Line.Ending.EOF) {
                    log.debug("{} {} closed the connection in state {}", protocol(), conn.id(), state);
                    return;
                }
                if (line.ending() == Line.Ending.NONE) {
                    if (!conn.skipLine()) {
                        return;
                    }
                    bad(null, "", "Line too long (at most " + settings.net().lineLengthLimit() + " octets)", "limit");
                } else {
                    switch (parser.parse(line.bytes())) {
                        case Pop3Request.Malformed m -> {
                            if (m.verb() != null) {
                                conn.metrics().command(m.verb().name());
                            }
                            bad(m.verb(), m.keyword(), m.reason(), "syntax");
                        }
                        case Pop3Command c -> execute(c);
                    }
                }
                if (closing) {
                    conn.flush();
                } else {
                    conn.flushUnlessPipelined();
                }
            }
        } finally {
            finish();
        }
    }

    private void execute(Pop3Command command) throws IOException {
        Pop3Verb verb = command.verb();
        conn.metrics().command(verb.name());
        if (!verb.allowedIn(state)) {
            bad(verb, verb.name(), state == Pop3State.AUTHORIZATION ? "Not logged in" : "Not allowed after login", "state");
            return;
        }
        switch (command) {
            case Pop3Command.User c -> UserCommand.run(this, c);
            case Pop3Command.Pass c -> PassCommand.run(this, c);
            case Pop3Command.Auth c -> AuthCommand.run(this, c);
            case Pop3Command.Stls c -> StlsCommand.run(this, c);
            case Pop3Command.Capa c -> CapaCommand.run(this, c);
            case Pop3Command.Quit c -> QuitCommand.run(this, c);
            case Pop3Command.Stat c -> StatCommand.run(this, c);
            case Pop3Command.List c -> ListCommand.run(this, c);
            case Pop3Command.Uidl c -> UidlCommand.run(this, c);
            case Pop3Command.Retr c -> RetrCommand.run(this, c);
            case Pop3Command.Top c -> TopCommand.run(this, c);
            case Pop3Command.Dele c -> DeleCommand.run(this, c);
            case Pop3Command.Rset c -> RsetCommand.run(this, c);
            case Pop3Command.Noop c -> NoopCommand.run(this, c);
        }
    }

    // ---- what the command classes use

    Connection connection() {
        return conn;
    }

    Pop3Settings settings() {
        return settings;
    }

    ProtocolContext context() {
        return ctx;
    }

    Pop3State state() {
        return state;
    }

    Maildrop maildrop() {
        return maildrop;
    }

    String pendingUser() {
        return pendingUser;
    }

    void pendingUser(String user) {
        pendingUser = user;
    }

    boolean mayAuthenticate() {
        return ctx.authenticator().mayAuthenticate(conn);
    }

    void ok(String text) throws IOException {
        conn.writeLine(text.isEmpty() ? "+OK" : "+OK " + text);
    }

    /** One line of a multi-line response; callers never start one with "." (numbers and capability names). */
    void line(String text) throws IOException {
        conn.writeLine(text);
    }

    void endMultiline() throws IOException {
        conn.writeLine(".");
    }

    /** A refusal that is not the client's fault or not a syntax error: one log line, one metric, one -ERR. */
    void refuse(Pop3Verb verb, String kind, RespCode code, String text) throws IOException {
        conn.metrics().error(kind);
        log.info("{} {} from {}: {} refused: {}", protocol(), conn.id(), clientAddress(), verb, text);
        conn.writeLine("-ERR " + code.prefix() + text);
    }

    /** A command the client should not have sent; enough of them end the session. */
    void bad(Pop3Verb verb, String keyword, String reason, String kind) throws IOException {
        badCommands++;
        conn.metrics().error(kind);
        String what = verb != null ? verb.name() : keyword.isEmpty() ? "(line)" : "'" + keyword + "'";
        if (badCommands >= settings.maxBadCommands()) {
            log.info("{} {} from {}: {} refused: {}; too many bad commands, closing", protocol(), conn.id(),
                    clientAddress(), what, reason);
            conn.writeLine("-ERR " + reason + "; too many bad commands, closing");
            closing = true;
            return;
        }
        log.info("{} {} from {}: {} refused: {}", protocol(), conn.id(), clientAddress(), what, reason);
        conn.writeLine("-ERR " + reason);
    }

    /** True when {@code number} names a message the client may use; otherwise answers -ERR and returns false. */
    boolean checkMessage(Pop3Verb verb, int number) throws IOException {
        if (!maildrop.exists(number)) {
            refuse(verb, "no-such-message", RespCode.NONE, "No such message " + number
                    + " (the maildrop has " + maildrop.size() + ")");
            return false;
        }
        if (maildrop.isDeleted(number)) {
            refuse(verb, "no-such-message", RespCode.NONE, "Message " + number + " is deleted");
            return false;
        }
        return true;
    }

    void close() {
        closing = true;
    }

    /** A fault the client cannot fix: logged with its cause under an incident id that the answer carries. */
    String incident(String what, Throwable cause) {
        String id = conn.id() + "-" + Long.toString(ctx.clock().millis() % 1_000_000, 36);
        conn.metrics().error("internal");
        log.warn("{} {} {} failed, incident {}", protocol(), conn.id(), what, id, cause);
        return id;
    }

    /**
     * USER/PASS and AUTH end here: checks the credentials through the shared authenticator (which delays and
     * logs failures), then locks and opens the maildrop.
     */
    void login(Pop3Verb verb, SaslPlain credentials) throws IOException {
        pendingUser = null;
        Optional<Account> found;
        try {
            found = ctx.authenticator().authenticate(conn, credentials);
        } catch (DirectoryException e) {
            conn.metrics().error("directory");
            log.warn("{} {} from {}: {} refused: directory unavailable: {}", protocol(), conn.id(), clientAddress(),
                    verb, e.getMessage());
            conn.writeLine("-ERR " + RespCode.SYS_TEMP.prefix() + "Authentication temporarily unavailable, try again later");
            return;
        }
        if (found.isEmpty()) {
            // the authenticator has counted, logged and delayed the failure
            authFailures++;
            if (authFailures >= settings.net().maxAuthFailures()) {
                log.info("{} {} from {}: {} failures, closing", protocol(), conn.id(), clientAddress(), authFailures);
                conn.writeLine("-ERR " + RespCode.AUTH.prefix() + "Authentication failed; too many failures, closing");
                closing = true;
            } else {
                conn.writeLine("-ERR " + RespCode.AUTH.prefix() + "Authentication failed");
            }
            return;
        }
        if (ctx.handoff() != null) {
            handOff(verb, found.get());
        } else {
            open(verb, found.get());
        }
    }

    /** On a front: logs in at the master of the account's slot, answers with its +OK and relays the rest to it. */
    private void handOff(Pop3Verb verb, Account acc) throws IOException {
        LoginHandoff.Backend backend;
        try {
            backend = ctx.handoff().open(LoginHandoff.Protocol.POP3, acc, conn);
        } catch (SlotUnavailableException e) {
            refuse(verb, "slot-unavailable", RespCode.SYS_TEMP, "Mailbox temporarily unavailable, try again later");
            return;
        }
        closing = true;
        try (backend) {
            log.info("{} {} from {}: logged in as {} by {}, relayed to the slot's master", protocol(), conn.id(),
                    clientAddress(), acc.address(), verb);
            conn.writeLine(backend.loginReply());
            conn.flush();
            backend.relay(conn);
        }
    }

    private void open(Pop3Verb verb, Account acc) throws IOException {
        if (!locks.tryLock(acc.id(), conn.id())) {
            refuse(verb, "in-use", RespCode.IN_USE, "Mailbox is locked by another POP3 session ("
                    + locks.holder(acc.id()) + ")");
            return;
        }
        boolean opened = false;
        try {
            SlotStore store = ctx.slots().storeFor(acc);
            Optional<Mailbox> inbox = store.mailbox(acc.id(), "INBOX");
            if (inbox.isEmpty()) {
                refuse(verb, "no-inbox", RespCode.SYS_PERM, "The account has no INBOX");
                return;
            }
            List<MessageMeta> messages = store.messages(inbox.get().id());
            maildrop = Maildrop.snapshot(store, inbox.get(), messages, settings.maxMessages());
            account = acc;
            state = Pop3State.TRANSACTION;
            opened = true;
            log.info("{} {} from {}: logged in as {} by {}, {} messages", protocol(), conn.id(), clientAddress(),
                    acc.address(), verb, maildrop.size());
            ok("Logged in, " + maildrop.visibleCount() + " messages (" + maildrop.visibleOctets() + " octets)");
        } catch (SlotUnavailableException e) {
            refuse(verb, "slot-unavailable", RespCode.SYS_TEMP, "Mailbox temporarily unavailable, try again later");
        } finally {
            if (!opened) {
                locks.unlock(acc.id(), conn.id());
            }
        }
    }

    /** QUIT in TRANSACTION (RFC 1939 UPDATE state): \Seen, then the deletions in one durable call, then +OK. */
    void update() throws IOException {
        state = Pop3State.UPDATE;
        applySeen();
        List<Long> uids = maildrop.deletedUids();
        if (!uids.isEmpty()) {
            try {
                maildrop.store().expunge(maildrop.mailboxId(), uids);
            } catch (SlotUnavailableException e) {
                refuse(Pop3Verb.QUIT, "slot-unavailable", RespCode.SYS_TEMP, "Some deleted messages not removed, try again later");
                closing = true;
                return;
            } catch (RuntimeException e) {
                String id = incident("expunge of " + uids.size() + " messages", e);
                refuse(Pop3Verb.QUIT, "expunge", RespCode.SYS_TEMP, "Some deleted messages not removed (incident " + id + ")");
                closing = true;
                return;
            }
        }
        log.info("{} {} {} logged out, {} messages deleted", protocol(), conn.id(), account.address(), uids.size());
        ok("Logging out, " + uids.size() + " messages deleted");
        closing = true;
    }

    /** The session ends however it ends: flags for retrieved messages, then the lock goes. Nothing is expunged. */
    private void finish() {
        if (account == null) {
            return;
        }
        try {
            applySeen();
        } finally {
            locks.unlock(account.id(), conn.id());
        }
    }

    private void applySeen() {
        if (seenApplied || !settings.markSeen()) {
            return;
        }
        seenApplied = true;
        List<Long> uids = maildrop.newlySeenUids();
        if (uids.isEmpty()) {
            return;
        }
        try {
            maildrop.store().storeFlags(maildrop.mailboxId(), uids, FlagOp.ADD, Set.of("\\Seen"));
        } catch (RuntimeException e) {
            // the messages were delivered to the client; a lost \Seen is not worth failing the session for
            log.warn("{} {} could not mark {} retrieved messages \\Seen: {}", protocol(), conn.id(), uids.size(), e.toString());
        }
    }

    private String protocol() {
        return conn.metrics().protocol();
    }

    private String clientAddress() {
        return conn.remote().getAddress().getHostAddress();
    }
}
