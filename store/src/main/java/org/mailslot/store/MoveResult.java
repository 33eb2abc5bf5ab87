package org.mailslot.store;

/**
 * One moved message (COPYUID of MOVE): its uid in the source, its new uid in the target and the target's
 * UIDVALIDITY and modseq; {@code expungeModSeq} is the source's modseq of the expunge (the same for the whole MOVE).
 */
public record MoveResult(long sourceUid, long targetUid, long targetUidValidity, long targetModSeq,
                         long expungeModSeq) {}
