package org.mailslot.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica copy that applies a master's change log ends up identical to the master (DESIGN.md section 5,
 * invariants 4 and 5): same rows (content digest), same answers, its own full-text index; in order, idempotent,
 * refusing gaps, bad checksums, missing bodies and bodies with the wrong hash.
 */
class ChangeReplayTest {
    private static final long ALICE = 1001;
    private static final long BOB = 1002;
    private static final Instant DATE = Instant.parse("2024-05-01T10:15:30Z");

    @TempDir
    Path dir;
    SlotStore master;
    SlotStore replica;

    @BeforeEach
    void open() {
        master = SlotStore.open(dir.resolve("master"), 3, StoreSettings.defaults());
        replica = SlotStore.open(dir.resolve("replica"), 3, StoreSettings.defaults());
        replica.becomeReplica(0);
    }

    @AfterEach
    void close() {
        master.close();
        replica.close();
    }

    static byte[] mail(String subject, String body) {
        return ("From: Sender <s@example.com>\r\nTo: r@example.org\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + subject.hashCode() + "@x>\r\n\r\n" + body + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Ships everything the replica lacks, bodies first, in batches of {@code batch} records. */
    static int ship(SlotStore from, SlotStore to, int batch) {
        int applied = 0;
        while (true) {
            List<ChangeRecord> records = from.changesSince(to.lastChangeSeq(), batch);
            if (records.isEmpty()) {
                return applied;
            }
            for (ChangeRecord r : records) {
                for (String hash : r.bodyHashes()) {
                    if (!to.hasBody(hash)) {
                        try (InputStream in = from.openBody(hash)) {
                            to.receiveBody(hash, in);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                }
            }
            applied += to.applyChanges(records);
        }
    }

    @Test
    void replicaOfEveryKindOfChangeIsIdentical() {
        master.createAccount(ALICE);
        master.createAccount(BOB);
        long inbox = master.mailbox(ALICE, "INBOX").orElseThrow().id();
        AppendResult a = master.append(ALICE, "INBOX", MessageContent.of(mail("apple", "zebra crossing")),
                Set.of("\\Seen"), DATE, 0);
        AppendResult b = master.append(ALICE, "INBOX", MessageContent.of(mail("re: apple", "quince")), Set.of(),
                DATE, 0);
        master.deliver(MessageContent.of(mail("shared", "to both")), DATE,
                List.of(new DeliveryTarget(ALICE, 0), new DeliveryTarget(BOB, 0)));
        master.storeFlags(inbox, List.of(a.uid(), b.uid()), FlagOp.ADD, Set.of("\\Flagged", "$Work"));
        master.createMailbox(ALICE, "Projects/2026", SpecialUse.NONE);
        master.copy(inbox, List.of(a.uid()), master.mailbox(ALICE, "Projects/2026").orElseThrow().id(), 0);
        master.move(inbox, List.of(b.uid()), master.mailbox(ALICE, "Archive").orElseThrow().id(), 0);
        master.renameMailbox(ALICE, "Projects", "Work");
        master.setSubscribed(ALICE, "Work/2026", false);
        master.expunge(inbox, List.of(a.uid()));
        master.restore(ALICE, DATE);
        master.createMailbox(BOB, "Old", SpecialUse.NONE);
        master.deleteMailbox(BOB, "Old");
        master.purgeExpunged(Instant.now().plus(Duration.ofDays(30)));

        int shipped = ship(master, replica, 3);
        assertThat(shipped).isEqualTo((int) master.lastChangeSeq());
        assertThat(replica.lastChangeSeq()).isEqualTo(master.lastChangeSeq());
        assertThat(replica.contentDigest()).isEqualTo(master.contentDigest());
        assertThat(replica.mailboxes(ALICE)).isEqualTo(master.mailboxes(ALICE));
        long replicaInbox = replica.mailbox(ALICE, "INBOX").orElseThrow().id();
        assertThat(replica.messages(replicaInbox)).isEqualTo(master.messages(inbox));
        assertThat(replica.status(replicaInbox)).isEqualTo(master.status(inbox));
        assertThat(replica.searchText(replicaInbox, "to both", TextField.BODY))
                .isEqualTo(master.searchText(inbox, "to both", TextField.BODY)).isNotEmpty();
        assertThat(replica.verify().problems()).isEmpty();

        // the replica can take over: its next write continues the same sequences
        master.close();
        replica.becomeMaster(1, null);
        AppendResult next = replica.append(ALICE, "INBOX", MessageContent.of(mail("after", "failover")), Set.of(),
                DATE, 0);
        assertThat(next.uid()).isEqualTo(replica.status(replicaInbox).mailbox().uidNext() - 1);
        assertThat(next.modSeq()).isGreaterThan(replica.messages(replicaInbox).getFirst().modSeq());
        assertThat(replica.lastChangeSeq()).isGreaterThan(shipped);
        assertThat(replica.changesSince(shipped, 10).getLast().epoch()).isEqualTo(1);
        master = SlotStore.open(dir.resolve("master"), 3, StoreSettings.defaults());
    }

    @Test
    void theOutboundQueueIsReplicatedWithItsBodiesAndContinuesOnThePromotedReplica() {
        Instant expires = DATE.plus(Duration.ofDays(5));
        long saved = master.submit(ALICE, "alice@example.com", List.of("bob@example.org"),
                MessageContent.of(mail("saved", "to Sent too")), DATE, expires, 0, true);
        long queuedOnly = master.submit(ALICE, "alice@example.com", List.of("carol@example.net", "dan@example.net"),
                MessageContent.of(mail("queued", "only in the queue")), DATE, expires, 0, false);
        String body = master.outbound(queuedOnly).orElseThrow().blobHash();
        ship(master, replica, 2);
        assertThat(replica.hasBody(body)).isTrue(); // shipped like a message's body, though no message row names it
        assertThat(replica.outbound(saved)).isEqualTo(master.outbound(saved)).isPresent();
        assertThat(replica.outbound(queuedOnly)).isEqualTo(master.outbound(queuedOnly)).isPresent();
        assertThat(replica.contentDigest()).isEqualTo(master.contentDigest());

        Instant now = Instant.now();
        master.claimOutbound(saved, now, now.plusSeconds(60)).orElseThrow();
        master.recordOutboundAttempt(saved, List.of(new OutboundOutcome("bob@example.org",
                OutboundRecipient.State.FAILED, null, "5.1.1", "550 5.1.1 unknown", "mx.example.org")),
                new OutboundNotice(OutboundNotice.Kind.FAILURE, MessageContent.of(mail("bounce", "report"))));
        master.claimOutbound(queuedOnly, now, now.plusSeconds(60)).orElseThrow();
        master.recordOutboundAttempt(queuedOnly, List.of(new OutboundOutcome("carol@example.net",
                OutboundRecipient.State.DELIVERED, null, "2.0.0", "250 ok", "mx.example.net")), null);
        ship(master, replica, 3);
        assertThat(replica.outbound(saved)).isEmpty();
        assertThat(replica.outbound(queuedOnly)).isEqualTo(master.outbound(queuedOnly));
        assertThat(replica.messages(replica.mailbox(ALICE, "INBOX").orElseThrow().id())).hasSize(1); // the bounce
        assertThat(replica.contentDigest()).isEqualTo(master.contentDigest());
        assertThat(replica.verify().problems()).isEmpty();

        // the operator's delete is a change like any other
        long doomed = master.submit(ALICE, "alice@example.com", List.of("zed@example.org"),
                MessageContent.of(mail("doomed", "deleted by the operator")), DATE, expires, 0, false);
        assertThat(master.deleteOutbound(doomed)).isTrue();
        ship(master, replica, 4);
        assertThat(replica.outbound(doomed)).isEmpty();
        assertThat(replica.contentDigest()).isEqualTo(master.contentDigest());

        // the promoted replica finds the entry due when the old master's claim runs out, and finishes it
        master.close();
        replica.becomeMaster(2, null);
        assertThat(replica.dueOutbound(now, 10)).isEmpty();
        OutboundEntry due = replica.dueOutbound(now.plusSeconds(60), 10).getFirst();
        assertThat(due.id()).isEqualTo(queuedOnly);
        assertThat(due.pending()).singleElement().satisfies(r -> {
            assertThat(r.address()).isEqualTo("dan@example.net");
            assertThat(r.attempts()).isEqualTo(1);
        });
        replica.claimOutbound(queuedOnly, now.plusSeconds(60), now.plusSeconds(120)).orElseThrow();
        assertThat(replica.recordOutboundAttempt(queuedOnly, List.of(new OutboundOutcome("dan@example.net",
                OutboundRecipient.State.DELIVERED, null, "2.0.0", "250 ok", "mx.example.net")), null)).isEmpty();
        assertThat(replica.submit(ALICE, "alice@example.com", List.of("eve@example.org"),
                MessageContent.of(mail("after", "failover")), DATE, expires, 0, false)).isGreaterThan(queuedOnly);
        master = SlotStore.open(dir.resolve("master"), 3, StoreSettings.defaults());
    }

    @Test
    void aQueueEntryWhoseBodyHasNotArrivedIsRefused() {
        long id = master.submit(ALICE, "", List.of("bob@example.org"), MessageContent.of(mail("q", "body")), DATE,
                DATE.plus(Duration.ofDays(1)), 0, false);
        List<ChangeRecord> all = master.changesSince(0, 100);
        assertThat(all.getLast().bodyHashes()).containsExactly(master.outbound(id).orElseThrow().blobHash());
        assertThatThrownBy(() -> replica.applyChanges(all)).hasMessageContaining("has not arrived");
        assertThat(replica.lastChangeSeq()).isZero();
    }

    @Test
    void rolesDecideWhoWrites() {
        master.createAccount(ALICE);
        assertThatThrownBy(() -> replica.createAccount(ALICE))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.NOT_MASTER)
                .hasMessageContaining("writes go to the slot's master");
        ship(master, replica, 10);
        assertThatThrownBy(() -> master.applyChanges(replica.changesSince(0, 10).subList(0, 1).stream()
                .map(r -> new ChangeRecord(r.seq() + 100, r.epoch(), r.kind(), r.payload(), r.crc32c())).toList()))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.NOT_MASTER);
        master.fence();
        assertThat(master.role()).isEqualTo(CopyRole.FENCED);
        assertThatThrownBy(() -> master.createMailbox(ALICE, "After", SpecialUse.NONE))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.NOT_MASTER);
        assertThat(master.mailbox(ALICE, "INBOX")).isPresent(); // reads still work
        replica.becomeMaster(2, null);
        assertThat(replica.epoch()).isEqualTo(2);
        assertThatThrownBy(() -> replica.becomeReplica(1)).hasMessageContaining("cannot go back");
        replica.createMailbox(ALICE, "After", SpecialUse.NONE);
        assertThat(replica.contentDigest()).isNotEqualTo(master.contentDigest());
    }

    @Test
    void randomWorkloadStaysIdenticalBatchByBatch() {
        Random random = new Random(42);
        master.createAccount(ALICE);
        long inbox = master.mailbox(ALICE, "INBOX").orElseThrow().id();
        for (int round = 0; round < 40; round++) {
            List<Long> uids = master.messages(inbox).stream().map(MessageMeta::uid).toList();
            switch (uids.isEmpty() ? 0 : random.nextInt(4)) {
                case 0 -> master.append(ALICE, "INBOX", MessageContent.of(mail("m" + round, "text " + round)),
                        Set.of(), DATE, 0);
                case 1 -> master.storeFlags(inbox, List.of(uids.get(random.nextInt(uids.size()))), FlagOp.REPLACE,
                        Set.of(random.nextBoolean() ? "\\Seen" : "\\Answered"));
                case 2 -> master.expunge(inbox, List.of(uids.get(random.nextInt(uids.size()))));
                default -> master.copy(inbox, List.of(uids.getFirst()),
                        master.mailbox(ALICE, "Archive").orElseThrow().id(), 0);
            }
            ship(master, replica, 1 + random.nextInt(4));
            assertThat(replica.contentDigest()).as("after round " + round).isEqualTo(master.contentDigest());
        }
    }

    @Test
    void aRecordWithoutRowImagesIsRefusedNotSilentlySkipped() {
        master.createAccount(ALICE);
        List<ChangeRecord> all = master.changesSince(0, 100);
        ChangeRecord first = all.getFirst();
        byte[] legacy = "{\"accountId\":1001}".getBytes(StandardCharsets.UTF_8); // as logged before row images
        ChangeRecord old = new ChangeRecord(first.seq(), first.epoch(), first.kind(), legacy, Tx.crc32c(legacy));
        assertThatThrownBy(() -> replica.applyChanges(List.of(old))).hasMessageContaining("predates row images");
        assertThat(replica.lastChangeSeq()).isZero();
    }

    @Test
    void applyingTwiceChangesNothing() {
        master.createAccount(ALICE);
        master.append(ALICE, "INBOX", MessageContent.of(mail("once", "x")), Set.of(), DATE, 0);
        ship(master, replica, 100);
        String digest = replica.contentDigest();
        List<ChangeRecord> all = master.changesSince(0, 100);
        assertThat(replica.applyChanges(all)).isZero();
        assertThat(replica.contentDigest()).isEqualTo(digest);
    }

    @Test
    void gapsChecksumsAndMissingBodiesAreRefused() {
        master.createAccount(ALICE);
        AppendResult a = master.append(ALICE, "INBOX", MessageContent.of(mail("body", "first")), Set.of(), DATE, 0);
        List<ChangeRecord> all = master.changesSince(0, 100);
        ChangeRecord add = all.getLast();
        assertThat(add.kind()).isEqualTo("message.add");

        assertThatThrownBy(() -> replica.applyChanges(List.of(add)))
                .isInstanceOf(StoreException.class).hasMessageContaining("full resync");
        replica.applyChanges(all.subList(0, all.size() - 1));
        assertThatThrownBy(() -> replica.applyChanges(List.of(add)))
                .isInstanceOf(StoreException.class).hasMessageContaining("has not arrived");
        ChangeRecord damaged = new ChangeRecord(add.seq(), add.epoch(), add.kind(), add.payload(), add.crc32c() ^ 1);
        assertThatThrownBy(() -> replica.applyChanges(List.of(damaged)))
                .isInstanceOf(StoreException.class).hasMessageContaining("checksum");

        String hash = master.message(a.mailboxId(), a.uid()).orElseThrow().blobHash();
        assertThatThrownBy(() -> replica.receiveBody(hash, new ByteArrayInputStream("tampered".getBytes())))
                .isInstanceOf(StoreException.class).hasMessageContaining("refused");
        assertThat(replica.hasBody(hash)).isFalse();

        assertThat(ship(master, replica, 10)).isEqualTo(1);
        assertThat(replica.contentDigest()).isEqualTo(master.contentDigest());
    }

    @Test
    void aResetReplicaIsAsEmptyAsANewCopyAndKeepsItsBodies() {
        master.createAccount(ALICE);
        master.createMailbox(ALICE, "Work", SpecialUse.NONE); // meta's last_uid_validity moves
        AppendResult a = master.append(ALICE, "INBOX", MessageContent.of(mail("kept", "body stays")), Set.of(),
                DATE, 0);
        ship(master, replica, 100);
        String hash = replica.message(a.mailboxId(), a.uid()).orElseThrow().blobHash();
        long epoch = replica.epoch();

        replica.resetForResync();
        assertThat(replica.lastChangeSeq()).isZero();
        assertThat(replica.changesSince(0, 10)).isEmpty();
        assertThat(replica.mailboxes(ALICE)).isEmpty();
        assertThat(replica.quotaUsage(ALICE).messages()).isZero();
        assertThat(replica.epoch()).isEqualTo(epoch);
        assertThat(replica.role()).isEqualTo(CopyRole.REPLICA);
        assertThat(replica.hasBody(hash)).isTrue(); // the resent log names it again
        assertThat(replica.verify().problems()).isEmpty(); // an orphan body is no problem, the index is empty too
        try (SlotStore fresh = SlotStore.open(dir.resolve("fresh"), 3, StoreSettings.defaults())) {
            assertThat(replica.contentDigest()).isEqualTo(fresh.contentDigest()); // meta included
        }

        // the whole log again, from seq 1: identical, and its own index follows the new log
        assertThat(ship(master, replica, 2)).isEqualTo((int) master.lastChangeSeq());
        assertThat(replica.contentDigest()).isEqualTo(master.contentDigest());
        assertThat(replica.searchText(a.mailboxId(), "body stays", TextField.BODY)).containsExactly(a.uid());
        assertThat(replica.verify().problems()).isEmpty();
    }

    @Test
    void afterAResetNothingOfTheOldHistoryIsServedFromCaches() {
        // two histories that end with the same mailbox ids, uids, counts and HIGHESTMODSEQ, but other flags
        List<AppendRequest> unseen = new java.util.ArrayList<>();
        List<AppendRequest> seen = new java.util.ArrayList<>();
        for (int i = 0; i < SelectCache.MIN_MESSAGES + 20; i++) {
            unseen.add(new AppendRequest(MessageContent.of(mail("m" + i, "history one")), Set.of(), DATE));
            seen.add(new AppendRequest(MessageContent.of(mail("m" + i, "history two")), Set.of("\\Seen"), DATE));
        }
        master.createAccount(ALICE);
        master.appendAll(ALICE, "INBOX", unseen, 0);
        ship(master, replica, 1000);
        long inbox = replica.mailbox(ALICE, "INBOX").orElseThrow().id();
        assertThat(replica.flagsAndUids(inbox)).allMatch(m -> m.flags().isEmpty()); // cached now
        assertThat(replica.searchText(inbox, "history one", TextField.BODY)).hasSize(unseen.size());

        try (SlotStore other = SlotStore.open(dir.resolve("other"), 3, StoreSettings.defaults())) {
            other.createAccount(ALICE);
            other.appendAll(ALICE, "INBOX", seen, 0);
            replica.resetForResync();
            ship(other, replica, 1000);
            assertThat(replica.status(inbox)).isEqualTo(other.status(inbox));
            assertThat(replica.flagsAndUids(inbox)).isEqualTo(other.flagsAndUids(inbox))
                    .allMatch(m -> m.flags().contains("\\Seen"));
            assertThat(replica.searchText(inbox, "history one", TextField.BODY)).isEmpty();
            assertThat(replica.searchText(inbox, "history two", TextField.BODY)).hasSize(seen.size());
            assertThat(replica.contentDigest()).isEqualTo(other.contentDigest());
            assertThat(replica.verify().problems()).isEmpty();
        }
    }

    @Test
    void onlyAReplicaCanBeReset() {
        master.createAccount(ALICE);
        String digest = master.contentDigest();
        assertThatThrownBy(() -> master.resetForResync())
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.NOT_MASTER)
                .hasMessageContaining("not a replica");
        master.fence();
        assertThatThrownBy(() -> master.resetForResync())
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.NOT_MASTER);
        assertThat(master.contentDigest()).isEqualTo(digest);
        assertThat(master.mailbox(ALICE, "INBOX")).isPresent();
    }

    @Test
    void everyTableOfTheSlotSchemaIsReplicated() throws Exception {
        List<String> tables = new java.util.ArrayList<>();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("master/slot.db"));
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT name FROM sqlite_schema WHERE type = 'table'"
                     + " AND name NOT LIKE 'sqlite_%' AND name <> 'change_log'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        assertThat(RowCapture.KEYS.keySet()).containsExactlyInAnyOrderElementsOf(tables);
    }
}
