package org.mailslot.store.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one scrub of a slot found and did ({@link SlotScrub}). {@code failure} is null when the scrub ran to its end;
 * otherwise it says why it stopped and {@code findings} hold what was found before.
 */
public record ScrubReport(int slotId, String replicaNode, long masterBodies, long replicaBodies,
                          long mailboxesCompared, List<Finding> findings, List<String> notes, String failure) {
    public ScrubReport {
        findings = List.copyOf(findings);
        notes = List.copyOf(notes);
    }

    /** What a finding is about; {@link #label()} is the metric tag and the word in logs. */
    public enum Kind {
        /** A body the rows need has no file on one copy. */
        BODY_MISSING,
        /** A body's file no longer hashes to its name, or cannot be read. */
        BODY_CORRUPTED,
        /** A mailbox's message rows (uid, state, modseq, flags, body hash) differ between the copies, or one lacks it. */
        MAILBOX_DIFFERS,
        /** The copies differ elsewhere (other rows, or the replica's log is ahead of the master's). */
        COPIES_DIFFER;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** A difference of rows: the copies diverged, which no body repair can mend. */
        public boolean divergence() {
            return this == MAILBOX_DIFFERS || this == COPIES_DIFFER;
        }
    }

    /** Which copy has the problem. */
    public enum Side {
        MASTER, REPLICA, BOTH;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One problem: {@code subject} names it ("body <hash>", "mailbox 3 (account 1001, INBOX)", "the copies"),
     * {@code repaired} whether the scrub mended it, {@code detail} what it saw or did.
     */
    public record Finding(Kind kind, Side side, String subject, boolean repaired, String detail) {
        public String text() {
            return subject + " " + switch (kind) {
                case BODY_MISSING -> "missing on " + where();
                case BODY_CORRUPTED -> "corrupted on " + where();
                case MAILBOX_DIFFERS, COPIES_DIFFER -> "differs";
            } + ": " + detail;
        }

        private String where() {
            return side == Side.BOTH ? "both copies" : "the " + side.label();
        }
    }

    public boolean clean() {
        return findings.isEmpty() && failure == null;
    }

    public boolean diverged() {
        return findings.stream().anyMatch(f -> f.kind().divergence());
    }

    public long repaired() {
        return findings.stream().filter(Finding::repaired).count();
    }

    /**
     * The report in one line of at most {@code maxChars}, for the slot's history: it starts with "clean" exactly
     * when nothing was found and the scrub ran to its end; findings that do not fit are counted at the end.
     */
    public String summary(int maxChars) {
        List<String> parts = new ArrayList<>();
        if (failure != null) {
            parts.add("failed: " + failure);
        }
        if (findings.isEmpty() && failure == null) {
            parts.add("clean: " + checked());
        } else if (!findings.isEmpty()) {
            parts.add(findings.size() + (findings.size() == 1 ? " finding, " : " findings, ") + repaired()
                    + " repaired (" + checked() + ")");
        }
        findings.forEach(f -> parts.add(f.text()));
        parts.addAll(notes);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            String next = (i == 0 ? "" : "; ") + parts.get(i);
            String more = "; ... and " + (parts.size() - i) + " more";
            if (out.length() + next.length() + (i == parts.size() - 1 ? 0 : more.length()) > maxChars) {
                out.append(more.length() + out.length() <= maxChars ? more : "");
                break;
            }
            out.append(next);
        }
        return out.toString();
    }

    private String checked() {
        return replicaNode == null
                ? masterBodies + " bodies checked, no replica"
                : mailboxesCompared + " mailboxes compared, " + masterBodies + " bodies checked on the master and "
                        + replicaBodies + " on replica " + replicaNode;
    }
}
