package org.mailslot.store.replication;

import java.io.IOException;
import java.util.List;

import org.mailslot.store.BodyCheck;
import org.mailslot.store.ChangeRecord;
import org.mailslot.store.CopyDigest;
import org.mailslot.store.SlotStore;

/**
 * A master copy's open connection to its replica, for one slot at one epoch. Not thread-safe: one caller at a time.
 */
public interface ReplicaLink extends AutoCloseable {
    /** The replica's last applied change seq, as it said when the link opened and after each ship. */
    long replicaSeq();

    /**
     * Sends the bodies the records name that the replica lacks (from {@code master}), then the records, and returns
     * when the replica has applied them durably. Any failure (timeout, refusal, I/O, a replica that needs a full
     * resync) throws and leaves the link unusable; a {@link ReplicationException} says what the replica refused and
     * why ({@link ReplicationException.Reason#RESYNC_NEEDED}, {@link ReplicationException.Reason#REFUSED}...).
     * An empty list is a round trip: it checks the link and the epoch.
     */
    void ship(SlotStore master, List<ChangeRecord> records) throws IOException;

    /**
     * The first step of a full resync, for a replica whose link failed with
     * {@link ReplicationException.Reason#RESYNC_NEEDED}: the replica empties its copy (every row and its change log;
     * its bodies stay) and {@link #replicaSeq()} is 0 afterwards, so shipping the master's log from seq 1 rebuilds it.
     * Send it on a new link, before anything else. Failures are as for {@link #ship}; a replica that refuses (it is
     * not the slot's replica at this link's epoch) throws {@link ReplicationException.Reason#REFUSED}.
     */
    void reset() throws IOException;

    // scrub (DESIGN.md section 5, invariant 5): see SlotScrub; failures are as for ship

    /** The replica copy's {@link SlotStore#copyDigest()}. */
    CopyDigest digest() throws IOException;

    /** The replica copy's {@link SlotStore#checkBodies()}: it re-hashes every body its rows need. */
    BodyCheck checkBodies() throws IOException;

    /**
     * Sends {@code master}'s copy of the body with this hash to replace the replica's (damaged or missing); the
     * replica stores it only if it hashes to its name ({@link SlotStore#receiveBody}).
     */
    void repairBody(SlotStore master, String hash) throws IOException;

    /**
     * Fetches the replica's copy of the body with this hash into {@code master} (which stores it only if it hashes to
     * its name, replacing a damaged file); false when the replica has no file of that name.
     */
    boolean fetchBody(SlotStore master, String hash) throws IOException;

    @Override
    void close();
}
