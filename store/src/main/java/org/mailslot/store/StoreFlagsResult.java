package org.mailslot.store;

import java.util.List;

/**
 * What a STORE did. {@code messages}: every visible message among the uids that passed the UNCHANGEDSINCE test,
 * after the change, ascending uid (a message whose flags were already as asked keeps its old modseq).
 * {@code failed}: visible uids whose modseq was above UNCHANGEDSINCE, untouched, ascending (MODIFIED response
 * code). {@code modSeq}: the one modseq given to every changed message, 0 when nothing changed.
 */
public record StoreFlagsResult(List<MessageMeta> messages, List<Long> failed, long modSeq) {
    public StoreFlagsResult {
        messages = List.copyOf(messages);
        failed = List.copyOf(failed);
    }
}
