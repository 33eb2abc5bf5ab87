package org.mailslot.protocols.imap.session;

import java.util.Set;

/** One untagged update of a session's view ({@link SelectedMailbox#refresh}), written by the session's writer. */
public sealed interface ViewUpdate {
    /** "n EXISTS". */
    record Exists(int count) implements ViewUpdate {}

    /** "n FETCH ([UID u] FLAGS (...) [MODSEQ (m)])": uid and modSeq are -1 when the client is not to be told them. */
    record Flags(int sequence, long uid, Set<String> flags, long modSeq) implements ViewUpdate {}

    /** "n EXPUNGE". */
    record Expunge(int sequence) implements ViewUpdate {}

    /** "VANISHED uids" (QRESYNC), ascending. */
    record Vanished(long[] uids) implements ViewUpdate {}
}
