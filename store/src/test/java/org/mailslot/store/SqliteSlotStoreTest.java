package org.mailslot.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

class SqliteSlotStoreTest extends SlotStoreContract {
    private static final int WRITERS = 20;

    @Override
    SlotStore open(Path slotDir) {
        return SlotStore.open(slotDir, 7, StoreSettings.defaults());
    }

    /**
     * A write queued just before a fence must be shipped before it is answered: the fence may not share its commit
     * (it once did, and the write was answered after the fence had dropped the shipper: acknowledged, never replicated).
     */
    @Test
    void aWriteQueuedBeforeAFenceIsShippedBeforeItIsAnswered() throws Exception {
        AtomicBoolean gate = new AtomicBoolean();
        CountDownLatch inCommit = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FaultHook hook = point -> {
            if (point == FaultInjectingSlotStore.FaultPoint.BEFORE_COMMIT && gate.compareAndSet(true, false)) {
                inCommit.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        List<ChangeRecord> shipped = java.util.Collections.synchronizedList(new ArrayList<>());
        try (SqliteSlotStore s = new SqliteSlotStore(dir.resolve("fence"), 9, StoreSettings.defaults(), hook,
                Clock.systemUTC())) {
            s.becomeMaster(1, shipped::addAll);
            s.createAccount(ALICE);
            gate.set(true);
            Thread first = Thread.ofVirtual().start(() -> append(s, "held in its commit"));
            assertThat(inCommit.await(60, TimeUnit.SECONDS)).isTrue();
            AtomicReference<AppendResult> queued = new AtomicReference<>();
            Thread write = Thread.ofVirtual().start(() -> queued.set(append(s, "queued before the fence")));
            awaitQueued(s, 1);
            Thread fence = Thread.ofVirtual().start(s::fence);
            awaitQueued(s, 2);
            release.countDown();
            first.join();
            write.join();
            fence.join();
            assertThat(queued.get()).as("answered as a success").isNotNull();
            String uid = "\"uid\":" + queued.get().uid() + ",";
            assertThat(shipped).as("the acknowledged write was shipped")
                    .anyMatch(r -> r.kind().equals("message.add") && new String(r.payload(),
                            java.nio.charset.StandardCharsets.UTF_8).contains(uid));
            assertThat(s.role()).isEqualTo(CopyRole.FENCED);
        }
    }

    private static AppendResult append(SlotStore s, String subject) {
        return s.append(ALICE, "INBOX", MessageContent.of(mail(subject)), java.util.Set.of(), DATE, 0);
    }

    private static void awaitQueued(SqliteSlotStore s, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (s.queuedWrites() < n && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(s.queuedWrites()).isGreaterThanOrEqualTo(n);
    }

    /** Holds one commit open until 20 deliveries queue up, then proves they all share the next commit. */
    @Test
    void queuedWritesShareOneCommit() throws Exception {
        AtomicBoolean gate = new AtomicBoolean();
        CountDownLatch inCommit = new CountDownLatch(1);
        AtomicReference<SqliteSlotStore> ref = new AtomicReference<>();
        FaultHook hook = point -> {
            if (point == FaultInjectingSlotStore.FaultPoint.BEFORE_COMMIT && gate.compareAndSet(true, false)) {
                inCommit.countDown();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (ref.get().queuedWrites() < WRITERS && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                    Thread.yield();
                }
            }
        };
        try (SqliteSlotStore s = new SqliteSlotStore(dir.resolve("grouped"), 9, StoreSettings.defaults(), hook,
                Clock.systemUTC())) {
            ref.set(s);
            s.createAccount(ALICE);
            long before = s.commits();
            gate.set(true);
            Thread first = Thread.ofVirtual().start(() -> s.deliver(MessageContent.of(mail("first")), DATE,
                    List.of(new DeliveryTarget(ALICE, 0))));
            assertThat(inCommit.await(60, TimeUnit.SECONDS)).isTrue();
            List<Thread> rest = new ArrayList<>();
            for (int i = 0; i < WRITERS; i++) {
                int n = i;
                rest.add(Thread.ofVirtual().start(() -> s.deliver(MessageContent.of(mail("m" + n)), DATE,
                        List.of(new DeliveryTarget(ALICE, 0)))));
            }
            first.join();
            for (Thread t : rest) {
                t.join();
            }
            assertThat(s.commits() - before).isEqualTo(2);
            assertThat(s.messages(s.mailbox(ALICE, "INBOX").orElseThrow().id())).hasSize(WRITERS + 1);
        }
    }

    /** A slot file of schema version 1 (before the STATUS counters) is migrated on open and keeps its data. */
    @Test
    void version1SlotIsMigratedOnOpen() throws Exception {
        store.createAccount(ALICE);
        append(ALICE, "INBOX", "old1", "\\Seen");
        append(ALICE, "INBOX", "old2");
        append(ALICE, "Sent", "old3");
        store.close();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("slot/slot.db"));
             java.sql.Statement st = c.createStatement()) {
            st.execute("DROP INDEX message_modseq");
            st.execute("DROP INDEX message_unseen");
            st.execute("DROP INDEX message_vanished");
            st.execute("DROP INDEX message_select");
            st.execute("DROP TABLE thread_msgid");
            st.execute("ALTER TABLE message DROP COLUMN thread_id");
            st.execute("ALTER TABLE message DROP COLUMN header");
            for (String col : List.of("messages", "unseen", "size", "purged_modseq")) {
                st.execute("ALTER TABLE mailbox DROP COLUMN " + col);
            }
            st.execute("DROP TABLE outbound_rcpt");
            st.execute("DROP TABLE outbound");
            st.execute("UPDATE meta SET value = 1 WHERE key = 'schema_version'");
        }
        store = open(dir.resolve("slot"));
        MailboxStatus inbox = store.status(inbox(ALICE).id());
        assertThat(inbox).extracting(MailboxStatus::messages, MailboxStatus::unseen, MailboxStatus::sizeBytes)
                .containsExactly(2, 1, (long) mail("old1").length + mail("old2").length);
        assertThat(store.status(store.mailbox(ALICE, "Sent").orElseThrow().id()).messages()).isEqualTo(1);
        assertThat(store.verify().problems()).isEmpty();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("slot/slot.db"));
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT value FROM meta WHERE key = 'schema_version'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(Schema.VERSION);
        }
    }

    /**
     * A slot of schema version 4 (before thread ids) gets one thread per message, named after its email id (so a
     * copy shares its original's), and no known msg-ids: a reply to an old message starts a new thread.
     */
    @Test
    void version4SlotGetsOneThreadPerMessage() throws Exception {
        store.createAccount(ALICE);
        AppendResult root = store.append(ALICE, "INBOX", MessageContent.of(threaded("root@x", "")), Set.of(), DATE, 0);
        AppendResult reply = store.append(ALICE, "INBOX",
                MessageContent.of(threaded("reply@x", "In-Reply-To: <root@x>\r\n")), Set.of(), DATE, 0);
        long archive = store.mailbox(ALICE, "Archive").orElseThrow().id();
        store.copy(root.mailboxId(), List.of(root.uid()), archive, 0);
        store.close();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("slot/slot.db"));
             java.sql.Statement st = c.createStatement()) {
            st.execute("DROP TABLE thread_msgid");
            st.execute("ALTER TABLE message DROP COLUMN thread_id");
            st.execute("ALTER TABLE message DROP COLUMN header");
            st.execute("DROP TABLE outbound_rcpt");
            st.execute("DROP TABLE outbound");
            st.execute("UPDATE meta SET value = 4 WHERE key = 'schema_version'");
        }
        store = open(dir.resolve("slot"));
        List<MessageMeta> inbox = store.messages(root.mailboxId());
        assertThat(inbox).allMatch(m -> m.threadId() == m.emailId());
        assertThat(inbox.get(1).threadId()).isNotEqualTo(inbox.get(0).threadId()); // the reply: its own thread now
        assertThat(store.messages(archive).getFirst().threadId()).isEqualTo(inbox.getFirst().threadId());
        MessageMeta late = appendThreaded(ALICE, "INBOX", "late@x", "In-Reply-To: <root@x>\r\n");
        assertThat(late.threadId()).isEqualTo(late.emailId());
        assertThat(appendThreaded(ALICE, "INBOX", "later@x", "In-Reply-To: <late@x>\r\n").threadId())
                .isEqualTo(late.threadId());
        assertThat(reply.uid()).isEqualTo(inbox.get(1).uid());
        assertThat(store.verify().problems()).isEmpty();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("slot/slot.db"));
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT value FROM meta WHERE key = 'schema_version'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(Schema.VERSION);
        }
    }

    /**
     * A slot of schema version 5 (before headers were kept with the rows) has no cached header after the migration:
     * readers go to the blobs, which still answer; a copy of an old row has none either, new messages have theirs.
     */
    @Test
    void version5SlotHasNoCachedHeaders() throws Exception {
        store.createAccount(ALICE);
        AppendResult old = append(ALICE, "INBOX", "old");
        store.close();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("slot/slot.db"));
             java.sql.Statement st = c.createStatement()) {
            st.execute("ALTER TABLE message DROP COLUMN header");
            st.execute("DROP TABLE outbound_rcpt");
            st.execute("DROP TABLE outbound");
            st.execute("UPDATE meta SET value = 5 WHERE key = 'schema_version'");
        }
        store = open(dir.resolve("slot"));
        long box = old.mailboxId();
        assertThat(store.headers(box, 1, 10)).isEmpty();
        assertThat(read(store, store.message(box, old.uid()).orElseThrow().blobHash())).isEqualTo(mail("old"));
        long archive = store.mailbox(ALICE, "Archive").orElseThrow().id();
        store.copy(box, List.of(old.uid()), archive, 0);
        assertThat(store.headers(archive, 1, 10)).isEmpty();
        AppendResult fresh = append(ALICE, "INBOX", "new");
        assertThat(store.headers(box, 1, 10)).containsOnlyKeys(fresh.uid());
        assertThat(store.verify().problems()).isEmpty();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("slot/slot.db"));
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT value FROM meta WHERE key = 'schema_version'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(Schema.VERSION);
        }
    }

    /** A slot of schema version 6 (before the outbound queue) gets an empty queue that takes submissions. */
    @Test
    void version6SlotGetsAnEmptyOutboundQueue() throws Exception {
        store.createAccount(ALICE);
        append(ALICE, "Sent", "old");
        store.close();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("slot/slot.db"));
             java.sql.Statement st = c.createStatement()) {
            st.execute("DROP TABLE outbound_rcpt");
            st.execute("DROP TABLE outbound");
            st.execute("UPDATE meta SET value = 6 WHERE key = 'schema_version'");
        }
        store = open(dir.resolve("slot"));
        assertThat(store.dueOutbound(java.time.Instant.now(), 10)).isEmpty();
        long id = store.submit(ALICE, "alice@example.com", List.of("bob@example.org"), MessageContent.of(mail("new")),
                DATE, DATE.plusSeconds(3600), 0, true);
        assertThat(store.outbound(id)).isPresent();
        assertThat(store.messages(store.mailbox(ALICE, "Sent").orElseThrow().id())).hasSize(2);
        assertThat(store.verify().problems()).isEmpty();
    }

    /** verify() checks that a cached header is exactly the blob's: readers trust it in place of the blob. */
    @Test
    void verifyFindsACachedHeaderThatDiffersFromTheBlob() throws Exception {
        store.createAccount(ALICE);
        AppendResult a = append(ALICE, "INBOX", "h1");
        store.close();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("slot/slot.db"));
             java.sql.Statement st = c.createStatement()) {
            st.execute("UPDATE message SET header = X'5375626A6563743A20780D0A0D0A' WHERE uid = " + a.uid());
        }
        store = open(dir.resolve("slot"));
        assertThat(store.verify().problems()).singleElement().asString()
                .contains("message " + a.mailboxId() + "/" + a.uid(), "cached header");
    }

    /** verify() compares the STATUS counters with the real sums. */
    @Test
    void verifyFindsWrongMailboxCounters() throws Exception {
        store.createAccount(ALICE);
        append(ALICE, "INBOX", "c1");
        long id = inbox(ALICE).id();
        store.close();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("slot/slot.db"));
             java.sql.Statement st = c.createStatement()) {
            st.execute("UPDATE mailbox SET unseen = 5 WHERE id = " + id);
        }
        store = open(dir.resolve("slot"));
        assertThat(store.verify().problems()).anyMatch(p -> p.contains("mailbox " + id) && p.contains("counters"));
    }

    /** A large mailbox's SELECT list is cached and brought up to date from what changed; it must equal a fresh read. */
    @Test
    void cachedSelectViewFollowsEveryChange() {
        store.createAccount(ALICE);
        List<AppendRequest> batch = new ArrayList<>();
        for (int i = 0; i < SelectCache.MIN_MESSAGES + 5; i++) {
            batch.add(new AppendRequest(MessageContent.of(mail("bulk" + i)), i % 2 == 0 ? java.util.Set.of("\\Seen")
                    : java.util.Set.of(), DATE));
        }
        long box = store.appendAll(ALICE, "INBOX", batch, 0).getFirst().mailboxId();
        long archive = store.mailbox(ALICE, "Archive").orElseThrow().id();
        assertSameAsFresh(box);
        store.storeFlags(box, List.of(3L, 4L, 5L), FlagOp.ADD, java.util.Set.of("\\Flagged", "$x"));
        assertSameAsFresh(box);
        store.expunge(box, List.of(1L, 4L, 700L));
        assertSameAsFresh(box);
        append(ALICE, "INBOX", "new one", "\\Answered");
        store.move(box, List.of(10L, 11L), archive, 0);
        store.storeFlags(box, List.of(12L), FlagOp.REPLACE, java.util.Set.of());
        assertSameAsFresh(box);
        store.restore(ALICE, java.time.Instant.EPOCH);
        assertSameAsFresh(box);
        store.expunge(box, List.of(20L, 21L));
        store.purgeExpunged(java.time.Instant.now().plus(java.time.Duration.ofDays(30))); // rows gone: full reload
        assertSameAsFresh(box);
        assertThat(store.flagsAndUids(box)).hasSize(store.status(box).messages());
    }

    private void assertSameAsFresh(long box) {
        List<MessageFlags> view = store.flagsAndUids(box);
        List<MessageFlags> fresh = store.messages(box).stream()
                .map(m -> new MessageFlags(m.uid(), m.modSeq(), m.flags())).toList();
        assertThat(view).hasSize(fresh.size());
        for (int i = 0; i < fresh.size(); i++) {
            assertThat(view.get(i).uid()).isEqualTo(fresh.get(i).uid());
            assertThat(view.get(i).modSeq()).isEqualTo(fresh.get(i).modSeq());
            assertThat(view.get(i).flags()).containsExactlyInAnyOrderElementsOf(fresh.get(i).flags());
        }
    }
}
