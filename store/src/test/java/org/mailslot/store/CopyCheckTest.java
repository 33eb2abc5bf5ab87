package org.mailslot.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a scrub reads from one copy (DESIGN.md section 5, invariant 5): digests per mailbox that agree exactly when the
 * copies' message rows do, a body check that finds missing and corrupted bodies (and nothing else), and a verified
 * body store that mends a damaged file in place on any copy.
 */
class CopyCheckTest {
    private static final long ALICE = 1001;
    private static final Instant DATE = Instant.parse("2024-05-01T10:15:30Z");

    @TempDir
    Path dir;
    SlotStore master;
    SlotStore replica;
    long inbox;
    AppendResult first;
    AppendResult second;

    @BeforeEach
    void open() {
        master = SlotStore.open(dir.resolve("master"), 3, StoreSettings.defaults());
        replica = SlotStore.open(dir.resolve("replica"), 3, StoreSettings.defaults());
        replica.becomeReplica(0);
        master.createAccount(ALICE);
        inbox = master.mailbox(ALICE, "INBOX").orElseThrow().id();
        first = master.append(ALICE, "INBOX", MessageContent.of(ChangeReplayTest.mail("one", "first body")),
                Set.of("\\Seen"), DATE, 0);
        second = master.append(ALICE, "INBOX", MessageContent.of(ChangeReplayTest.mail("two", "second body")),
                Set.of(), DATE, 0);
        master.append(ALICE, "Archive", MessageContent.of(ChangeReplayTest.mail("three", "third body")), Set.of(),
                DATE, 0);
        master.expunge(inbox, List.of(second.uid())); // expunged, restorable: its body is still needed
        ChangeReplayTest.ship(master, replica, 100);
    }

    @AfterEach
    void close() {
        master.close();
        replica.close();
    }

    Path blob(String copy, String hash) {
        return dir.resolve(copy).resolve("blobs").resolve(hash.substring(0, 2)).resolve(hash.substring(2, 4))
                .resolve(hash);
    }

    String hashOf(AppendResult r) {
        return master.changesSince(0, 100).stream().flatMap(c -> c.bodyHashes().stream()).distinct().toList()
                .get(r == first ? 0 : 1);
    }

    @Test
    void copiesAtTheSameSeqHaveTheSameDigestsAndAChangedFlagShowsInItsMailboxOnly() throws Exception {
        CopyDigest ours = master.copyDigest();
        CopyDigest theirs = replica.copyDigest();
        assertThat(theirs).isEqualTo(ours);
        assertThat(ours.seq()).isEqualTo(master.lastChangeSeq());
        assertThat(ours.content()).isEqualTo(master.contentDigest());
        assertThat(ours.mailboxes()).hasSize(master.mailboxes(ALICE).size()); // empty mailboxes too
        long archive = master.mailbox(ALICE, "Archive").orElseThrow().id();
        assertThat(ours.mailboxes().get(inbox)).isNotEqualTo(ours.mailboxes().get(archive));

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("replica/slot.db"));
             PreparedStatement st = c.prepareStatement("UPDATE message SET flags = '\\Flagged' WHERE mailbox_id = ?"
                     + " AND uid = ?")) {
            st.setLong(1, inbox);
            st.setLong(2, first.uid());
            assertThat(st.executeUpdate()).isEqualTo(1);
        }
        CopyDigest tampered = replica.copyDigest();
        assertThat(tampered.seq()).isEqualTo(ours.seq());
        assertThat(tampered.mailboxes().get(inbox)).isNotEqualTo(ours.mailboxes().get(inbox));
        assertThat(tampered.mailboxes().get(archive)).isEqualTo(ours.mailboxes().get(archive));
        assertThat(tampered.content()).isNotEqualTo(ours.content());
    }

    @Test
    void theBodyCheckFindsMissingAndCorruptedBodiesOfVisibleAndExpungedMessages() throws Exception {
        assertThat(master.checkBodies()).isEqualTo(new BodyCheck(3, List.of()));
        String one = hashOf(first);
        String two = hashOf(second);
        byte[] good = Files.readAllBytes(blob("master", one));
        byte[] bad = good.clone();
        bad[bad.length / 2] ^= 1; // same size, other bytes
        long twoSize = Files.size(blob("master", two));
        Files.write(blob("master", one), bad);
        Files.delete(blob("master", two));
        BodyCheck check = master.checkBodies();
        assertThat(check.checked()).isEqualTo(3);
        assertThat(check.damaged()).containsExactlyInAnyOrder(
                new DamagedBody(one, good.length, DamagedBody.Kind.CORRUPTED),
                new DamagedBody(two, twoSize, DamagedBody.Kind.MISSING));
        assertThat(master.bodySize(one)).isEqualTo(good.length);
        assertThat(master.bodySize(two)).isEqualTo(-1);

        // a body that does not hash to its name is refused and the damaged file stays as it was
        assertThatThrownBy(() -> master.receiveBody(one, new ByteArrayInputStream(bad)))
                .isInstanceOf(StoreException.class).hasMessageContaining("refused");
        assertThat(Files.readAllBytes(blob("master", one))).isEqualTo(bad);
        // the good bytes replace it in place, on a master copy too; the missing one comes back
        master.receiveBody(one, replica.openBody(one));
        master.receiveBody(two, replica.openBody(two));
        assertThat(Files.readAllBytes(blob("master", one))).isEqualTo(good);
        assertThat(master.checkBodies().damaged()).isEmpty();
        assertThat(master.verify().problems()).isEmpty();
        assertThat(Files.list(dir.resolve("master/blobs/tmp"))).isEmpty();
    }

    @Test
    void aPurgedMessageNeedsNoBody() {
        master.purgeExpunged(Instant.now().plus(java.time.Duration.ofDays(365)));
        assertThat(master.checkBodies()).isEqualTo(new BodyCheck(2, List.of()));
        assertThat(master.bodySize(hashOf(second))).isEqualTo(-1);
        assertThat(master.bodySize("not a hash")).isEqualTo(-1);
    }
}
