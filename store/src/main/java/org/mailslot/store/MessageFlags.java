package org.mailslot.store;

import java.util.Set;

/** The light per-message view SELECT needs: uid, modseq, flags (no cached IMAP strings). */
public record MessageFlags(long uid, long modSeq, Set<String> flags) {}
