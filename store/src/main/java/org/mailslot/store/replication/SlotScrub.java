package org.mailslot.store.replication;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.mailslot.store.BodyCheck;
import org.mailslot.store.ChangeRecord;
import org.mailslot.store.CopyDigest;
import org.mailslot.store.DamagedBody;
import org.mailslot.store.Mailbox;
import org.mailslot.store.SlotStore;
import org.mailslot.store.StoreException;
import org.mailslot.store.replication.ScrubReport.Finding;
import org.mailslot.store.replication.ScrubReport.Kind;
import org.mailslot.store.replication.ScrubReport.Side;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A scrub of one slot, run by its master (DESIGN.md section 5, invariant 5): both copies re-hash every body their rows
 * need, a body damaged or missing on one copy is replaced from the other (each side stores it only if it hashes to its
 * name), and the copies' digests ({@link CopyDigest}) are compared mailbox by mailbox.
 *
 * <p>Bodies are checked first, the master's before the link opens (it reads the whole slot and must not hold the link
 * idle), then the replica's over the link. Digests are compared at one seq: the two are read one after the other, again
 * (up to {@value #DIGEST_ATTEMPTS} times) while writes moved the master on in between; if they never meet, the mailboxes
 * the master's log touched between the replica's seq and its own are left out (they are compared next time) and so is
 * the content digest. A replica more than {@value #MAX_GAP} changes behind is not compared at all.
 *
 * <p>A difference of rows cannot be repaired here: it means the copies diverged, and which one is right is not for a
 * scrub to guess. It is reported ({@link ScrubReport#diverged()}); the caller has the replica resynced from the master.
 */
public final class SlotScrub {
    private static final Logger log = LoggerFactory.getLogger(SlotScrub.class);
    static final int DIGEST_ATTEMPTS = 5;
    static final int MAX_GAP = 10_000;
    private static final int LOG_PAGE = 1_000;

    private final SlotStore master;
    private final String replicaNode;
    private final List<Finding> findings = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private long masterBodies;
    private long replicaBodies;
    private long mailboxesCompared;

    private SlotScrub(SlotStore master, String replicaNode) {
        this.master = master;
        this.replicaNode = replicaNode;
    }

    /**
     * Scrubs {@code master}'s slot against its replica on {@code replicaNode} (null: the slot has none, only the
     * master's bodies are checked), over a link from {@code opener}, opened after the master's own check and closed at
     * the end. Never throws for the link or the replica: a scrub cut short says why in {@link ScrubReport#failure()}.
     */
    public static ScrubReport run(SlotStore master, String replicaNode, SyncReplicator.LinkOpener opener) {
        return new SlotScrub(master, replicaNode).run(opener);
    }

    private ScrubReport run(SyncReplicator.LinkOpener opener) {
        String failure = null;
        Map<String, DamagedBody> masterDamaged = new LinkedHashMap<>();
        try {
            BodyCheck own = master.checkBodies();
            masterBodies = own.checked();
            own.damaged().forEach(d -> masterDamaged.put(d.hash(), d));
            if (replicaNode == null) {
                masterDamaged.values().forEach(d -> findings.add(body(d, Side.MASTER, false,
                        "the slot has no replica to repair it from")));
            } else {
                try (ReplicaLink link = opener.open()) {
                    BodyCheck theirs = link.checkBodies();
                    replicaBodies = theirs.checked();
                    compareDigests(link);
                    repairBodies(link, masterDamaged, theirs.damaged());
                }
            }
        } catch (IOException | RuntimeException e) {
            failure = e.getMessage() == null ? e.toString() : e.getMessage();
            log.warn("slot {}: scrub stopped: {}", master.slotId(), failure);
        }
        ScrubReport report = new ScrubReport(master.slotId(), replicaNode, masterBodies, replicaBodies,
                mailboxesCompared, findings, notes, failure);
        for (Finding f : report.findings()) {
            if (f.kind().divergence()) {
                log.error("slot {}: scrub: {}", master.slotId(), f.text());
            } else {
                log.warn("slot {}: scrub: {}", master.slotId(), f.text());
            }
        }
        if (report.clean()) {
            log.info("slot {}: scrub {}", master.slotId(), report.summary(Integer.MAX_VALUE));
        }
        return report;
    }

    private void repairBodies(ReplicaLink link, Map<String, DamagedBody> masterDamaged, List<DamagedBody> replicaDamaged)
            throws IOException {
        Set<String> onReplica = new HashSet<>();
        for (DamagedBody d : replicaDamaged) {
            onReplica.add(d.hash());
            DamagedBody alsoHere = masterDamaged.get(d.hash());
            if (alsoHere != null) {
                findings.add(body(alsoHere, Side.BOTH, false, "no good copy is left (master: " + alsoHere.kind().label()
                        + ", replica: " + d.kind().label() + "); the messages that use it have lost their body"));
            } else if (master.bodySize(d.hash()) < 0) {
                findings.add(body(d, Side.REPLICA, false, "the master has no copy of it (its rows no longer use it)"));
            } else {
                link.repairBody(master, d.hash());
                findings.add(body(d, Side.REPLICA, true, "repaired from the master's copy"));
            }
        }
        for (DamagedBody d : masterDamaged.values()) {
            if (onReplica.contains(d.hash())) {
                continue; // reported above
            }
            if (link.fetchBody(master, d.hash())) {
                findings.add(body(d, Side.MASTER, true, "repaired from the replica's copy"));
            } else {
                findings.add(body(d, Side.MASTER, false, "replica " + replicaNode + " has no copy of it"));
            }
        }
    }

    private static Finding body(DamagedBody d, Side side, boolean repaired, String detail) {
        return new Finding(d.kind() == DamagedBody.Kind.MISSING ? Kind.BODY_MISSING : Kind.BODY_CORRUPTED, side,
                "body " + d.hash(), repaired, detail);
    }

    private void compareDigests(ReplicaLink link) throws IOException {
        CopyDigest theirs = link.digest();
        CopyDigest ours = master.copyDigest();
        for (int attempt = 1; attempt < DIGEST_ATTEMPTS && theirs.seq() != ours.seq(); attempt++) {
            pause(20L * attempt);
            theirs = link.digest();
            ours = master.copyDigest();
        }
        if (theirs.seq() > ours.seq()) {
            findings.add(new Finding(Kind.COPIES_DIFFER, Side.BOTH, "the copies", false, "replica " + replicaNode
                    + " is at change " + theirs.seq() + ", ahead of the master at " + ours.seq()
                    + ": their logs diverged"));
            return;
        }
        if (ours.seq() - theirs.seq() > MAX_GAP) {
            notes.add("replica " + replicaNode + " is " + (ours.seq() - theirs.seq())
                    + " changes behind: the copies were not compared");
            return;
        }
        Set<Long> moving = ours.seq() == theirs.seq() ? Set.of() : touched(theirs.seq(), ours.seq());
        Set<Long> ids = new TreeSet<>(ours.mailboxes().keySet());
        ids.addAll(theirs.mailboxes().keySet());
        int skipped = 0;
        boolean mailboxDiffers = false;
        for (long id : ids) {
            if (moving.contains(id)) {
                skipped++;
                continue;
            }
            mailboxesCompared++;
            String mine = ours.mailboxes().get(id);
            String other = theirs.mailboxes().get(id);
            if (mine != null && mine.equals(other)) {
                continue;
            }
            mailboxDiffers = true;
            String detail = mine == null ? "the master has no such mailbox, replica " + replicaNode + " has"
                    : other == null ? "replica " + replicaNode + " has no such mailbox"
                    : "its message rows differ (uid, state, modseq, flags or body)";
            findings.add(new Finding(Kind.MAILBOX_DIFFERS, Side.BOTH, mailboxName(id), false, detail));
        }
        if (skipped > 0) {
            notes.add(skipped + " mailboxes changed while the scrub ran and were not compared");
        }
        if (ours.seq() == theirs.seq() && !mailboxDiffers && !ours.content().equals(theirs.content())) {
            findings.add(new Finding(Kind.COPIES_DIFFER, Side.BOTH, "the copies", false, "at change " + ours.seq()
                    + " their rows outside the message table differ (accounts, mailboxes, threads or slot meta)"));
        }
    }

    /** The mailboxes the master's changes after {@code fromSeq} up to {@code toSeq} touch. */
    private Set<Long> touched(long fromSeq, long toSeq) throws IOException {
        Set<Long> out = new HashSet<>();
        long seq = fromSeq;
        while (seq < toSeq) {
            List<ChangeRecord> page = master.changesSince(seq, (int) Math.min(LOG_PAGE, toSeq - seq));
            if (page.isEmpty()) {
                break;
            }
            out.addAll(MailboxRefs.touched(page));
            seq = page.getLast().seq();
        }
        return out;
    }

    /** "mailbox 3 (account 1001, INBOX)" when the master still has it live, else "mailbox 3". */
    private String mailboxName(long id) {
        try {
            Mailbox m = master.status(id).mailbox();
            return "mailbox " + id + " (account " + m.accountId() + ", " + m.name() + ")";
        } catch (StoreException e) {
            return "mailbox " + id;
        }
    }

    private static void pause(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("scrub interrupted");
        }
    }
}
