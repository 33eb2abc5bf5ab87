package org.mailslot.store;

/** Where an appended or copied message landed (APPENDUID / COPYUID). */
public record AppendResult(long mailboxId, long uidValidity, long uid, long modSeq) {}
