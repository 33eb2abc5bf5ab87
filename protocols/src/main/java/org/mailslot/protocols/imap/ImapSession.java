package org.mailslot.protocols.imap;

import org.mailslot.core.net.Connection;
import org.mailslot.core.net.Line;
import org.mailslot.directory.Account;
import org.mailslot.protocols.LoginHandoff;
import org.mailslot.protocols.ProtocolContext;
import org.mailslot.protocols.SlotUnavailableException;
import org.mailslot.protocols.imap.command.AppendCommand;
import org.mailslot.protocols.imap.command.AuthenticateCommand;
import org.mailslot.protocols.imap.command.CapabilityCommand;
import org.mailslot.protocols.imap.command.CloseCommand;
import org.mailslot.protocols.imap.command.CompressCommand;
import org.mailslot.protocols.imap.command.CopyCommand;
import org.mailslot.protocols.imap.command.CreateCommand;
import org.mailslot.protocols.imap.command.DeleteCommand;
import org.mailslot.protocols.imap.command.EnableCommand;
import org.mailslot.protocols.imap.command.ExpungeCommand;
import org.mailslot.protocols.imap.command.FetchCommand;
import org.mailslot.protocols.imap.command.IdCommand;
import org.mailslot.protocols.imap.command.IdleCommand;
import org.mailslot.protocols.imap.command.ListCommand;
import org.mailslot.protocols.imap.command.LoginCommand;
import org.mailslot.protocols.imap.command.LogoutCommand;
import org.mailslot.protocols.imap.command.LsubCommand;
import org.mailslot.protocols.imap.command.MoveCommand;
import org.mailslot.protocols.imap.command.NamespaceCommand;
import org.mailslot.protocols.imap.command.NoopCommand;
import org.mailslot.protocols.imap.command.QuotaCommand;
import org.mailslot.protocols.imap.command.RenameCommand;
import org.mailslot.protocols.imap.command.SearchCommand;
import org.mailslot.protocols.imap.command.SelectCommand;
import org.mailslot.protocols.imap.command.SortCommand;
import org.mailslot.protocols.imap.command.StartTlsCommand;
import org.mailslot.protocols.imap.command.StatusCommand;
import org.mailslot.protocols.imap.command.StoreCommand;
import org.mailslot.protocols.imap.command.SubscribeCommand;
import org.mailslot.protocols.imap.command.ThreadCommand;
import org.mailslot.protocols.imap.parse.CommandParser;
import org.mailslot.protocols.imap.parse.CommandSource;
import org.mailslot.protocols.imap.parse.ImapReader;
import org.mailslot.protocols.imap.parse.ImapRequest;
import org.mailslot.protocols.imap.parse.ParseError;
import org.mailslot.protocols.imap.parse.ParseResult;
import org.mailslot.protocols.imap.parse.ReadResult;
import org.mailslot.protocols.imap.response.ResponseStatus;
import org.mailslot.protocols.imap.response.ResponseWriter;
import org.mailslot.protocols.imap.session.MailboxWatcher;
import org.mailslot.protocols.imap.session.SelectedMailbox;
import org.mailslot.protocols.imap.session.ViewUpdate;
import org.mailslot.store.SlotStore;
import org.mailslot.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * One IMAP conversation: reads commands through the parse package, checks each against the command table and the
 * state ({@link CommandGate}), dispatches with one exhaustive switch to the command classes, and owns what the
 * session holds (the account, its store, the {@link SelectedMailbox}, the enabled extensions). Every tagged
 * completion in the selected state first sends the untagged updates the command's flags allow. Runs on the
 * connection's virtual thread; the command classes call back through the public methods and write their responses
 * with the session's one {@link ResponseWriter} ({@link #out()}).
 */
public final class ImapSession {
    private static final Logger log = LoggerFactory.getLogger(ImapSession.class);

    private final Connection conn;
    private final ImapSettings settings;
    private final ProtocolContext ctx;
    private final ImapReader reader;
    private final CommandParser parser;
    private final MailboxWatcher watcher;
    private final AccountSessions accountSessions;
    private final CommandSource source;
    private final ResponseWriter out;

    private ImapState state = ImapState.NOT_AUTHENTICATED;
    private CommandSpec current;
    private Account account;
    private SlotStore store;
    private SelectedMailbox selected;
    private boolean rev2;
    private boolean utf8;
    private boolean condStore;
    private boolean qresync;
    private boolean compressed;
    private long[] savedSearch = new long[0];
    private int badCommands;
    private int authFailures;
    private volatile boolean closing;

    ImapSession(Connection conn, ImapSettings settings, ProtocolContext ctx, ImapReader reader, CommandParser parser,
                MailboxWatcher watcher, AccountSessions accountSessions) {
        this.conn = conn;
        this.settings = settings;
        this.ctx = ctx;
        this.reader = reader;
        this.parser = parser;
        this.watcher = watcher;
        this.accountSessions = accountSessions;
        this.out = new ResponseWriter(new ConnectionOutput(conn));
        this.source = new CommandSource() {
            @Override
            public Line readLine(int limit) throws IOException {
                return conn.readLine(limit);
            }

            @Override
            public void readExact(long n, OutputStream sink) throws IOException {
                conn.readExact(n, sink);
            }

            @Override
            public void continuation(long size) throws IOException {
                out.continuation("Ready for literal data");
                out.flush();
            }
        };
    }

    void run() throws IOException {
        try {
            out.untagged(ResponseStatus.OK, "CAPABILITY " + Capabilities.list(this), ctx.hostname() + " IMAP4rev2 ready");
            out.flush();
            while (!closing) {
                // two tiers of idle time: a client that has not logged in gets the short one
                conn.transferDeadline(state == ImapState.NOT_AUTHENTICATED ? settings.loginTimeout() : null);
                ReadResult read = reader.read(source);
                conn.transferDeadline(null);
                switch (read) {
                    case ReadResult.EndOfStream e -> {
                        log.debug("imap {} closed the connection in state {}", conn.id(), state);
                        return;
                    }
                    case ParseError e -> error(e);
                    case ReadResult.Complete c -> {
                        switch (parser.parse(c.command(), utf8)) {
                            case ParseError e -> error(e);
                            case ParseResult.Parsed p -> execute(p.request());
                        }
                    }
                }
                if (closing) {
                    out.flush();
                } else {
                    out.drain();
                    conn.flushUnlessPipelined();
                }
            }
        } finally {
            if (account != null) {
                accountSessions.release(account.id());
            }
        }
    }

    /**
     * True (after "* BYE [UNAVAILABLE]") when the copy this session reads is no longer the slot's master: a
     * switchover or failover moved it, and the client's reconnect finds the new master.
     */
    public boolean slotMoved() throws IOException {
        if (store == null || store.role() == org.mailslot.store.CopyRole.MASTER || closing) {
            return closing;
        }
        log.info("imap {} {}: slot {} is no longer mastered here, closing", conn.id(), account.address(),
                store.slotId());
        out.untagged(ResponseStatus.BYE, "UNAVAILABLE", "Mailbox moved to another server; reconnect");
        closing = true;
        return true;
    }

    private void execute(ImapRequest request) throws IOException {
        if (slotMoved()) {
            return;
        }
        CommandSpec spec = CommandTable.spec(request);
        current = spec;
        conn.metrics().command(spec.name());
        String refusal = CommandGate.refusal(spec, state);
        if (refusal != null) {
            conn.metrics().error("state");
            log.info("imap {} from {}: {} refused: {}", conn.id(), clientAddress(), spec.name(), refusal);
            out.no(request.tag(), null, refusal);
            return;
        }
        String tag = request.tag();
        try {
            dispatch(request);
        } catch (StoreException e) {
            storeError(tag, spec, e);
        } catch (SlotUnavailableException e) {
            refuse(tag, "UNAVAILABLE", "Mailbox temporarily unavailable, try again later", "slot-unavailable");
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            String id = incident(spec.name(), e);
            out.no(tag, "SERVERBUG", "Internal error, incident " + id);
        }
    }

    private void dispatch(ImapRequest request) throws IOException {
        switch (request) {
            case ImapRequest.Capability r -> CapabilityCommand.run(this, r);
            case ImapRequest.Noop r -> NoopCommand.run(this, r.tag());
            case ImapRequest.Check r -> NoopCommand.run(this, r.tag());
            case ImapRequest.Logout r -> LogoutCommand.run(this, r);
            case ImapRequest.Id r -> IdCommand.run(this, r);
            case ImapRequest.StartTls r -> StartTlsCommand.run(this, r);
            case ImapRequest.Authenticate r -> AuthenticateCommand.run(this, r);
            case ImapRequest.Login r -> LoginCommand.run(this, r);
            case ImapRequest.Enable r -> EnableCommand.run(this, r);
            case ImapRequest.Select r -> SelectCommand.run(this, r);
            case ImapRequest.Create r -> CreateCommand.run(this, r);
            case ImapRequest.Delete r -> DeleteCommand.run(this, r);
            case ImapRequest.Rename r -> RenameCommand.run(this, r);
            case ImapRequest.Subscribe r -> SubscribeCommand.run(this, r.tag(), r.mailbox(), true);
            case ImapRequest.Unsubscribe r -> SubscribeCommand.run(this, r.tag(), r.mailbox(), false);
            case ImapRequest.ListMailboxes r -> ListCommand.run(this, r);
            case ImapRequest.Lsub r -> LsubCommand.run(this, r);
            case ImapRequest.Namespace r -> NamespaceCommand.run(this, r);
            case ImapRequest.Status r -> StatusCommand.run(this, r);
            case ImapRequest.Append r -> AppendCommand.run(this, r);
            case ImapRequest.Idle r -> IdleCommand.run(this, r);
            case ImapRequest.GetQuota r -> QuotaCommand.getQuota(this, r);
            case ImapRequest.GetQuotaRoot r -> QuotaCommand.getQuotaRoot(this, r);
            case ImapRequest.SetQuota r -> QuotaCommand.setQuota(this, r);
            case ImapRequest.Compress r -> CompressCommand.run(this, r);
            case ImapRequest.Close r -> CloseCommand.close(this, r.tag());
            case ImapRequest.Unselect r -> CloseCommand.unselect(this, r.tag());
            case ImapRequest.Expunge r -> ExpungeCommand.run(this, r);
            case ImapRequest.Search r -> SearchCommand.run(this, r);
            case ImapRequest.Fetch r -> FetchCommand.run(this, r);
            case ImapRequest.Store r -> StoreCommand.run(this, r);
            case ImapRequest.Copy r -> CopyCommand.run(this, r);
            case ImapRequest.Move r -> MoveCommand.run(this, r);
            case ImapRequest.Sort r -> SortCommand.run(this, r);
            case ImapRequest.Thread r -> ThreadCommand.run(this, r);
        }
    }

    /** Store refusals as IMAP response codes (RFC 5530). */
    private void storeError(String tag, CommandSpec spec, StoreException e) throws IOException {
        switch (e.reason()) {
            case NOT_FOUND -> refuse(tag, "NONEXISTENT", "No such mailbox or message", "not-found");
            case EXISTS -> refuse(tag, "ALREADYEXISTS", "Mailbox already exists", "exists");
            case INVALID -> refuse(tag, "CANNOT", e.getMessage(), "invalid");
            case OVER_QUOTA -> refuse(tag, "OVERQUOTA", "Quota exceeded", "quota");
            case SPECIAL_USE -> refuse(tag, "CANNOT", "INBOX and special-use mailboxes (Sent, Trash, ...) cannot be"
                    + " deleted", "special-use");
            case IO -> {
                String id = incident(spec.name(), e);
                out.no(tag, "SERVERBUG", "Internal error, incident " + id);
            }
            case NOT_MASTER -> { // failed over or switched: the client's reconnect finds the new master
                refuse(tag, "UNAVAILABLE", "Mailbox moved to another server; reconnect", "slot-moved");
                out.untagged(ResponseStatus.BYE, "UNAVAILABLE", "Mailbox moved to another server; reconnect");
                closing = true;
            }
        }
    }

    private void error(ParseError e) throws IOException {
        switch (e) {
            case ParseError.Fatal f -> {
                conn.metrics().error("limit");
                log.info("imap {} from {}: closing: {}", conn.id(), clientAddress(), f.text());
                out.error(f);
                closing = true;
            }
            case ParseError.Rejected r -> {
                conn.metrics().error("limit");
                log.info("imap {} from {}: refused: {}", conn.id(), clientAddress(), r.text());
                out.error(r);
            }
            case ParseError.Bad b -> bad(b.tag(), b.code(), b.text());
        }
    }

    // ---- what the command classes use

    public Connection connection() {
        return conn;
    }

    public ImapSettings settings() {
        return settings;
    }

    public ProtocolContext context() {
        return ctx;
    }

    public ImapState state() {
        return state;
    }

    public Account account() {
        return account;
    }

    public SlotStore store() {
        return store;
    }

    public SelectedMailbox selected() {
        return selected;
    }

    public MailboxWatcher watcher() {
        return watcher;
    }

    public String capabilities() {
        return Capabilities.list(this);
    }

    public boolean rev2() {
        return rev2;
    }

    /** The writer for this session's responses; flushed by the session after each command. */
    public ResponseWriter out() {
        return out;
    }

    /** Sends what was written so far (before blocking on the client, e.g. a continuation). */
    public void flush() throws IOException {
        out.flush();
    }

    /** Mailbox names travel as UTF-8 (IMAP4rev2 or UTF8=ACCEPT enabled), else as modified UTF-7. */
    public boolean utf8() {
        return utf8;
    }

    public boolean condStore() {
        return condStore;
    }

    public boolean qresync() {
        return qresync;
    }

    /** COMPRESS DEFLATE is active (RFC 4978). */
    public boolean compressed() {
        return compressed;
    }

    public void compressionStarted() {
        compressed = true;
    }

    public void enableRev2() {
        rev2 = true;
        enableUtf8();
    }

    public void enableUtf8() {
        utf8 = true;
        out.utf8(true);
    }

    /** CONDSTORE is on once enabled or used (RFC 7162 3.1). */
    public void enableCondStore() {
        condStore = true;
        if (selected != null) {
            selected.condStore(true);
        }
    }

    public void enableQresync() {
        qresync = true;
        enableCondStore();
        if (selected != null) {
            selected.qresync(true);
        }
    }

    public long[] savedSearch() {
        return savedSearch;
    }

    public void savedSearch(long[] uids) {
        savedSearch = uids;
    }

    /** Sends the updates the current command allows, then "tag OK [code] text". */
    public void ok(String tag, String code, String text) throws IOException {
        sendUpdates();
        out.ok(tag, code, text);
    }

    /** Sends the updates the current command allows, then "tag NO [code] text", logged and counted. */
    public void no(String tag, String code, String text, String kind) throws IOException {
        sendUpdates();
        refuse(tag, code, text, kind);
    }

    private void refuse(String tag, String code, String text, String kind) throws IOException {
        conn.metrics().error(kind);
        log.info("imap {} from {}: {} refused: {}", conn.id(), clientAddress(), current == null ? "?" : current.name(), text);
        out.no(tag, code, text);
    }

    /** A command the client should not have sent; enough of them end the session. */
    public void bad(String tag, String text) throws IOException {
        bad(tag, null, text);
    }

    private void bad(String tag, String code, String text) throws IOException {
        badCommands++;
        conn.metrics().error("syntax");
        ParseError.Bad answer = new ParseError.Bad(tag, code, text);
        if (badCommands >= settings.maxBadCommands()) {
            log.info("imap {} from {}: bad command: {}; too many, closing", conn.id(), clientAddress(), text);
            out.error(answer);
            out.untagged(ResponseStatus.BYE, null, "Too many invalid commands");
            closing = true;
            return;
        }
        log.info("imap {} from {}: bad command: {}", conn.id(), clientAddress(), text);
        out.error(answer);
    }

    /** The untagged updates of the selected mailbox that the current command allows (RFC 9051 7.5.1). */
    public void sendUpdates() throws IOException {
        if (selected == null) {
            return;
        }
        boolean allowExpunge = current == null || !current.has(CommandFlag.USES_SEQS);
        List<ViewUpdate> updates;
        try {
            updates = selected.refresh(allowExpunge);
        } catch (StoreException e) {
            if (e.reason() != StoreException.Reason.NOT_FOUND) {
                throw e;
            }
            log.info("imap {} {}: selected mailbox {} was deleted, closing", conn.id(), account.address(), selected.name());
            out.untagged(ResponseStatus.BYE, null, "Selected mailbox was deleted, have to disconnect");
            closing = true;
            selected = null;
            return;
        }
        for (ViewUpdate u : updates) {
            switch (u) {
                case ViewUpdate.Exists e -> out.count(e.count(), "EXISTS");
                case ViewUpdate.Flags f -> out.fetchFlags(f.sequence(), f.uid(), f.flags(), f.modSeq());
                case ViewUpdate.Expunge e -> out.count(e.sequence(), "EXPUNGE");
                case ViewUpdate.Vanished v -> out.vanished(false, v.uids());
            }
        }
    }

    /** After a successful LOGIN or AUTHENTICATE; false (and NO [LIMIT] sent) when the account has too many sessions. */
    public boolean loggedIn(String tag, Account acc, String how) throws IOException {
        if (!accountSessions.acquire(acc.id(), settings.sessionsPerAccount())) {
            refuse(tag, "LIMIT", "Too many sessions of this account (at most " + settings.sessionsPerAccount() + ")",
                    "sessions-per-account");
            return false;
        }
        SlotStore s;
        try {
            s = ctx.slots().storeFor(acc);
        } catch (SlotUnavailableException e) {
            accountSessions.release(acc.id());
            refuse(tag, "UNAVAILABLE", "Mailbox temporarily unavailable, try again later", "slot-unavailable");
            return false;
        }
        account = acc;
        store = s;
        state = ImapState.AUTHENTICATED;
        log.info("imap {} from {}: logged in as {} by {}", conn.id(), clientAddress(), acc.address(), how);
        return true;
    }

    /**
     * On a front, after the client's credentials checked out: logs in at the master of the account's slot, answers
     * the client with the master's own tagged OK (its capabilities) and relays the rest of the session to it.
     */
    public void handOff(String tag, Account acc, String how) throws IOException {
        LoginHandoff.Backend backend;
        try {
            backend = ctx.handoff().open(LoginHandoff.Protocol.IMAP, acc, conn);
        } catch (SlotUnavailableException e) {
            refuse(tag, "UNAVAILABLE", "Mailbox temporarily unavailable, try again later", "slot-unavailable");
            return;
        }
        closing = true;
        try (backend) {
            log.info("imap {} from {}: logged in as {} by {}, relayed to the slot's master", conn.id(), clientAddress(),
                    acc.address(), how);
            out.flush();
            conn.writeLine(tag + " " + backend.loginReply());
            conn.flush();
            backend.relay(conn);
        }
    }

    /** A failed login: true when the session must close now. */
    public boolean loginFailed() {
        authFailures++;
        return authFailures >= settings.net().maxAuthFailures();
    }

    public void select(SelectedMailbox mailbox) {
        selected = mailbox;
        state = mailbox == null ? ImapState.AUTHENTICATED : ImapState.SELECTED;
        savedSearch = new long[0];
        if (mailbox != null) {
            mailbox.condStore(condStore);
            mailbox.qresync(qresync);
        }
    }

    public void logout() {
        state = ImapState.LOGOUT;
        closing = true;
    }

    public void close() {
        closing = true;
    }

    /** A fault the client cannot fix: logged with its cause under an incident id that the answer carries. */
    public String incident(String what, Throwable cause) {
        String id = conn.id() + "-" + Long.toString(ctx.clock().millis() % 1_000_000, 36);
        conn.metrics().error("internal");
        log.warn("imap {} {} failed, incident {}", conn.id(), what, id, cause);
        return id;
    }

    public String clientAddress() {
        return conn.remote().getAddress().getHostAddress();
    }

    /** The connection's current output (it changes with STARTTLS and COMPRESS), for the writer. */
    private static final class ConnectionOutput extends OutputStream {
        private final Connection conn;

        ConnectionOutput(Connection conn) {
            this.conn = conn;
        }

        @Override
        public void write(int b) throws IOException {
            conn.output().write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            conn.output().write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            conn.flush();
        }
    }
}
