package org.mailslot.protocols.imap;

import org.mailslot.protocols.imap.parse.ImapRequest;

import java.util.EnumSet;
import java.util.Set;

import static org.mailslot.protocols.imap.CommandFlag.BREAKS_SEQS;
import static org.mailslot.protocols.imap.CommandFlag.USES_SEQS;
import static org.mailslot.protocols.imap.ImapState.AUTHENTICATED;
import static org.mailslot.protocols.imap.ImapState.NOT_AUTHENTICATED;
import static org.mailslot.protocols.imap.ImapState.SELECTED;

/** The command table: every request type's {@link CommandSpec}. The switch is exhaustive over the sealed type. */
final class CommandTable {
    private static final Set<ImapState> ANY = EnumSet.of(NOT_AUTHENTICATED, AUTHENTICATED, SELECTED);
    private static final Set<ImapState> PRE_AUTH = EnumSet.of(NOT_AUTHENTICATED);
    private static final Set<ImapState> AUTH = EnumSet.of(AUTHENTICATED, SELECTED);
    private static final Set<ImapState> SEL = EnumSet.of(SELECTED);
    private static final Set<CommandFlag> NONE = Set.of();

    private static final CommandSpec CAPABILITY = new CommandSpec("CAPABILITY", ANY, NONE);
    private static final CommandSpec NOOP = new CommandSpec("NOOP", ANY, NONE);
    private static final CommandSpec LOGOUT = new CommandSpec("LOGOUT", ANY, NONE);
    private static final CommandSpec ID = new CommandSpec("ID", ANY, NONE);
    private static final CommandSpec STARTTLS = new CommandSpec("STARTTLS", PRE_AUTH, NONE);
    private static final CommandSpec AUTHENTICATE = new CommandSpec("AUTHENTICATE", PRE_AUTH, NONE);
    private static final CommandSpec LOGIN = new CommandSpec("LOGIN", PRE_AUTH, NONE);
    private static final CommandSpec ENABLE = new CommandSpec("ENABLE", AUTH, NONE);
    private static final CommandSpec SELECT = new CommandSpec("SELECT", AUTH, NONE);
    private static final CommandSpec EXAMINE = new CommandSpec("EXAMINE", AUTH, NONE);
    private static final CommandSpec CREATE = new CommandSpec("CREATE", AUTH, NONE);
    private static final CommandSpec DELETE = new CommandSpec("DELETE", AUTH, NONE);
    private static final CommandSpec RENAME = new CommandSpec("RENAME", AUTH, NONE);
    private static final CommandSpec SUBSCRIBE = new CommandSpec("SUBSCRIBE", AUTH, NONE);
    private static final CommandSpec UNSUBSCRIBE = new CommandSpec("UNSUBSCRIBE", AUTH, NONE);
    private static final CommandSpec LIST = new CommandSpec("LIST", AUTH, NONE);
    private static final CommandSpec LSUB = new CommandSpec("LSUB", AUTH, NONE);
    private static final CommandSpec NAMESPACE = new CommandSpec("NAMESPACE", AUTH, NONE);
    private static final CommandSpec STATUS = new CommandSpec("STATUS", AUTH, NONE);
    private static final CommandSpec APPEND = new CommandSpec("APPEND", AUTH, NONE);
    private static final CommandSpec IDLE = new CommandSpec("IDLE", AUTH, NONE);
    private static final CommandSpec GETQUOTA = new CommandSpec("GETQUOTA", AUTH, NONE);
    private static final CommandSpec GETQUOTAROOT = new CommandSpec("GETQUOTAROOT", AUTH, NONE);
    private static final CommandSpec SETQUOTA = new CommandSpec("SETQUOTA", AUTH, NONE);
    private static final CommandSpec COMPRESS = new CommandSpec("COMPRESS", AUTH, NONE);
    private static final CommandSpec CHECK = new CommandSpec("CHECK", SEL, NONE);
    private static final CommandSpec CLOSE = new CommandSpec("CLOSE", SEL, EnumSet.of(BREAKS_SEQS));
    private static final CommandSpec UNSELECT = new CommandSpec("UNSELECT", SEL, NONE);
    private static final CommandSpec EXPUNGE = new CommandSpec("EXPUNGE", SEL, EnumSet.of(BREAKS_SEQS));
    private static final CommandSpec UID_EXPUNGE = new CommandSpec("UID EXPUNGE", SEL, EnumSet.of(BREAKS_SEQS));
    private static final CommandSpec SEARCH = new CommandSpec("SEARCH", SEL, EnumSet.of(USES_SEQS));
    private static final CommandSpec UID_SEARCH = new CommandSpec("UID SEARCH", SEL, NONE);
    private static final CommandSpec FETCH = new CommandSpec("FETCH", SEL, EnumSet.of(USES_SEQS));
    private static final CommandSpec UID_FETCH = new CommandSpec("UID FETCH", SEL, NONE);
    private static final CommandSpec STORE = new CommandSpec("STORE", SEL, EnumSet.of(USES_SEQS));
    private static final CommandSpec UID_STORE = new CommandSpec("UID STORE", SEL, NONE);
    private static final CommandSpec COPY = new CommandSpec("COPY", SEL, NONE);
    private static final CommandSpec UID_COPY = new CommandSpec("UID COPY", SEL, NONE);
    private static final CommandSpec MOVE = new CommandSpec("MOVE", SEL, EnumSet.of(BREAKS_SEQS));
    private static final CommandSpec UID_MOVE = new CommandSpec("UID MOVE", SEL, EnumSet.of(BREAKS_SEQS));
    private static final CommandSpec SORT = new CommandSpec("SORT", SEL, EnumSet.of(USES_SEQS));
    private static final CommandSpec UID_SORT = new CommandSpec("UID SORT", SEL, NONE);
    private static final CommandSpec THREAD = new CommandSpec("THREAD", SEL, EnumSet.of(USES_SEQS));
    private static final CommandSpec UID_THREAD = new CommandSpec("UID THREAD", SEL, NONE);

    private CommandTable() {}

    static CommandSpec spec(ImapRequest request) {
        return switch (request) {
            case ImapRequest.Capability r -> CAPABILITY;
            case ImapRequest.Noop r -> NOOP;
            case ImapRequest.Logout r -> LOGOUT;
            case ImapRequest.Id r -> ID;
            case ImapRequest.StartTls r -> STARTTLS;
            case ImapRequest.Authenticate r -> AUTHENTICATE;
            case ImapRequest.Login r -> LOGIN;
            case ImapRequest.Enable r -> ENABLE;
            case ImapRequest.Select r -> r.readOnly() ? EXAMINE : SELECT;
            case ImapRequest.Create r -> CREATE;
            case ImapRequest.Delete r -> DELETE;
            case ImapRequest.Rename r -> RENAME;
            case ImapRequest.Subscribe r -> SUBSCRIBE;
            case ImapRequest.Unsubscribe r -> UNSUBSCRIBE;
            case ImapRequest.ListMailboxes r -> LIST;
            case ImapRequest.Lsub r -> LSUB;
            case ImapRequest.Namespace r -> NAMESPACE;
            case ImapRequest.Status r -> STATUS;
            case ImapRequest.Append r -> APPEND;
            case ImapRequest.Idle r -> IDLE;
            case ImapRequest.GetQuota r -> GETQUOTA;
            case ImapRequest.GetQuotaRoot r -> GETQUOTAROOT;
            case ImapRequest.SetQuota r -> SETQUOTA;
            case ImapRequest.Compress r -> COMPRESS;
            case ImapRequest.Check r -> CHECK;
            case ImapRequest.Close r -> CLOSE;
            case ImapRequest.Unselect r -> UNSELECT;
            case ImapRequest.Expunge r -> r.uidSet() == null ? EXPUNGE : UID_EXPUNGE;
            case ImapRequest.Search r -> r.uid() ? UID_SEARCH : SEARCH;
            case ImapRequest.Fetch r -> r.uid() ? UID_FETCH : FETCH;
            case ImapRequest.Store r -> r.uid() ? UID_STORE : STORE;
            case ImapRequest.Copy r -> r.uid() ? UID_COPY : COPY;
            case ImapRequest.Move r -> r.uid() ? UID_MOVE : MOVE;
            case ImapRequest.Sort r -> r.uid() ? UID_SORT : SORT;
            case ImapRequest.Thread r -> r.uid() ? UID_THREAD : THREAD;
        };
    }
}
