package org.mailslot.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The behaviour every {@link SlotStore} implementation must have. */
abstract class SlotStoreContract {
    static final long ALICE = 1001;
    static final long BOB = 1002;
    static final Instant DATE = Instant.parse("2024-05-01T10:15:30.123Z");

    @TempDir
    Path dir;
    SlotStore store;

    abstract SlotStore open(Path slotDir);

    @BeforeEach
    void openStore() {
        store = open(dir.resolve("slot"));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    void reopen() {
        store.close();
        store = open(dir.resolve("slot"));
    }

    static byte[] mail(String subject) {
        return ("From: Sender <s@example.com>\r\nTo: r@example.org\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + subject.hashCode() + "@x>\r\n\r\nBody of " + subject + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] read(SlotStore s, String hash) {
        try (InputStream in = s.openBody(hash)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Mailbox inbox(long account) {
        return store.mailbox(account, "INBOX").orElseThrow();
    }

    AppendResult append(long account, String mailbox, String subject, String... flags) {
        return store.append(account, mailbox, MessageContent.of(mail(subject)), Set.of(flags), DATE, 0);
    }

    @Test
    void createAccountMakesSpecialUseMailboxesOnce() {
        store.createAccount(ALICE);
        store.createAccount(ALICE);
        List<Mailbox> boxes = store.mailboxes(ALICE);
        assertThat(boxes).extracting(Mailbox::name)
                .containsExactly("Archive", "Drafts", "INBOX", "Junk", "Sent", "Trash");
        assertThat(boxes).allMatch(Mailbox::subscribed).allMatch(m -> m.uidNext() == 1);
        assertThat(inbox(ALICE).specialUse()).isEqualTo(SpecialUse.INBOX);
        assertThat(store.mailbox(ALICE, "inBox")).contains(inbox(ALICE));
        assertThat(boxes).extracting(Mailbox::uidValidity).doesNotHaveDuplicates();
        assertThat(store.mailboxes(BOB)).isEmpty();
    }

    @Test
    void mailboxLifecycle() {
        store.createAccount(ALICE);
        Mailbox work = store.createMailbox(ALICE, "Work/2024/Q1", SpecialUse.NONE);
        assertThat(work.subscribed()).isFalse();
        assertThat(store.mailbox(ALICE, "Work")).isPresent();
        assertThat(store.mailbox(ALICE, "Work/2024")).isPresent();
        assertThatThrownBy(() -> store.createMailbox(ALICE, "Work", SpecialUse.NONE))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.EXISTS);
        assertThatThrownBy(() -> store.createMailbox(ALICE, "inbox", SpecialUse.NONE))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.EXISTS);
        for (String bad : List.of("", "/a", "a/", "a//b", "a*", "a%b", "a\nb")) {
            assertThatThrownBy(() -> store.createMailbox(ALICE, bad, SpecialUse.NONE))
                    .hasFieldOrPropertyWithValue("reason", StoreException.Reason.INVALID);
        }
        assertThatThrownBy(() -> store.createMailbox(ALICE, "X", SpecialUse.INBOX))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.INVALID);
        assertThatThrownBy(() -> store.createMailbox(BOB, "X", SpecialUse.NONE))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.NOT_FOUND);

        store.setSubscribed(ALICE, "Work", true);
        assertThat(store.mailbox(ALICE, "Work").orElseThrow().subscribed()).isTrue();

        store.renameMailbox(ALICE, "Work", "Jobs/Old");
        assertThat(store.mailboxes(ALICE)).extracting(Mailbox::name)
                .contains("Jobs", "Jobs/Old", "Jobs/Old/2024", "Jobs/Old/2024/Q1").doesNotContain("Work");
        assertThat(store.mailbox(ALICE, "Jobs/Old/2024/Q1").orElseThrow().id()).isEqualTo(work.id());
        assertThatThrownBy(() -> store.renameMailbox(ALICE, "Jobs", "Jobs/Old/x"))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.INVALID);
        assertThatThrownBy(() -> store.renameMailbox(ALICE, "Nope", "x"))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.NOT_FOUND);
        assertThatThrownBy(() -> store.renameMailbox(ALICE, "Jobs", "Sent"))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.EXISTS);

        assertThatThrownBy(() -> store.deleteMailbox(ALICE, "Trash"))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.SPECIAL_USE);
        assertThatThrownBy(() -> store.deleteMailbox(ALICE, "INBOX"))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.SPECIAL_USE);
        store.deleteMailbox(ALICE, "Jobs/Old/2024/Q1");
        assertThat(store.mailbox(ALICE, "Jobs/Old/2024/Q1")).isEmpty();
        Mailbox again = store.createMailbox(ALICE, "Jobs/Old/2024/Q1", SpecialUse.NONE);
        assertThat(again.id()).isNotEqualTo(work.id());
        assertThat(again.uidValidity()).isNotEqualTo(work.uidValidity());
    }

    @Test
    void deliverStoresExactBytesOnceForAllTargets() {
        store.createAccount(ALICE);
        byte[] body = mail("hello");
        List<DeliveryOutcome> out = store.deliver(MessageContent.of(body), DATE,
                List.of(new DeliveryTarget(ALICE, 0), new DeliveryTarget(BOB, 0), new DeliveryTarget(ALICE, 0)));
        assertThat(out).hasSize(2).allMatch(o -> o instanceof DeliveryOutcome.Delivered d && d.uid() == 1);
        MessageMeta a = store.messages(inbox(ALICE).id()).getFirst();
        MessageMeta b = store.messages(inbox(BOB).id()).getFirst(); // BOB's account was created on delivery
        assertThat(a.blobHash()).isEqualTo(b.blobHash());
        assertThat(a.emailId()).isNotEqualTo(b.emailId());
        assertThat(read(store, a.blobHash())).isEqualTo(body);
        assertThat(a.size()).isEqualTo(body.length);
        assertThat(a.internalDate()).isEqualTo(DATE.truncatedTo(ChronoUnit.MILLIS));
        assertThat(a.flags()).isEmpty();
        assertThat(a.envelope()).contains("\"hello\"").contains("\"s\" \"example.com\"");
        assertThat(a.bodyStructure()).startsWith("(\"text\" \"plain\"");
        assertThat(a.body()).doesNotContain("NIL NIL NIL NIL)");
        assertThat(inbox(ALICE).uidNext()).isEqualTo(2);
        assertThatThrownBy(() -> store.openBody("00".repeat(32)))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.NOT_FOUND);
    }

    @Test
    void deliverFilesIntoTheSpecialUseMailboxAsked() {
        store.createAccount(ALICE);
        store.renameMailbox(ALICE, "Junk", "Spam");
        List<DeliveryOutcome> out = store.deliver(MessageContent.of(mail("buy now")), DATE,
                List.of(new DeliveryTarget(ALICE, 0, SpecialUse.JUNK), new DeliveryTarget(BOB, 0, SpecialUse.JUNK)));
        Mailbox aliceJunk = store.mailbox(ALICE, "Spam").orElseThrow();
        Mailbox bobJunk = store.mailbox(BOB, "Junk").orElseThrow(); // BOB's account was created on delivery
        assertThat(out).containsExactly(new DeliveryOutcome.Delivered(ALICE, aliceJunk.id(), aliceJunk.uidValidity(), 1),
                new DeliveryOutcome.Delivered(BOB, bobJunk.id(), bobJunk.uidValidity(), 1));
        assertThat(store.messages(aliceJunk.id())).hasSize(1);
        assertThat(store.messages(inbox(ALICE).id())).isEmpty();
        assertThat(store.messages(inbox(BOB).id())).isEmpty();
        assertThat(store.status(bobJunk.id()).messages()).isEqualTo(1);
        assertThatThrownBy(() -> new DeliveryTarget(ALICE, 0, SpecialUse.NONE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void summariesAreMessagesWithoutTheirImapStrings() {
        store.createAccount(ALICE);
        AppendResult r1 = append(ALICE, "INBOX", "one", "\\Seen");
        append(ALICE, "INBOX", "two");
        store.expunge(r1.mailboxId(), List.of(r1.uid()));
        append(ALICE, "INBOX", "three", "$Label");
        List<MessageMeta> full = store.messages(r1.mailboxId());
        List<MessageMeta> light = store.summaries(r1.mailboxId());
        assertThat(light).hasSize(2);
        assertThat(store.messages(r1.mailboxId(), r1.uid(), full.getFirst().uid())).containsExactly(full.getFirst());
        assertThat(store.messages(r1.mailboxId(), 0, Long.MAX_VALUE)).isEqualTo(full);
        for (int i = 0; i < full.size(); i++) {
            MessageMeta f = full.get(i);
            assertThat(f.envelope()).isNotNull();
            assertThat(light.get(i)).isEqualTo(new MessageMeta(f.mailboxId(), f.uid(), f.modSeq(), f.flags(),
                    f.internalDate(), f.size(), f.blobHash(), null, null, null, f.emailId(), f.threadId()));
        }
    }

    @Test
    void flagsAndModSeq() {
        store.createAccount(ALICE);
        AppendResult r1 = append(ALICE, "INBOX", "one", "\\seen", "$Important", "\\Recent");
        AppendResult r2 = append(ALICE, "INBOX", "two");
        assertThat(r2.uid()).isGreaterThan(r1.uid());
        assertThat(r2.modSeq()).isGreaterThan(r1.modSeq());
        long box = r1.mailboxId();
        assertThat(store.message(box, r1.uid()).orElseThrow().flags()).containsExactlyInAnyOrder("\\Seen", "$Important");
        assertThat(store.status(box)).extracting(MailboxStatus::messages, MailboxStatus::unseen)
                .containsExactly(2, 1);

        List<MessageMeta> changed = store.storeFlags(box, List.of(r1.uid(), r2.uid(), 99L), FlagOp.ADD,
                Set.of("\\Flagged"));
        assertThat(changed).extracting(MessageMeta::uid).containsExactly(r1.uid(), r2.uid());
        long modSeq = changed.getFirst().modSeq();
        assertThat(changed).allMatch(m -> m.modSeq() == modSeq && m.flags().contains("\\Flagged"));
        assertThat(store.status(box).mailbox().highestModSeq()).isEqualTo(modSeq);

        store.storeFlags(box, List.of(r2.uid()), FlagOp.REPLACE, Set.of("\\Seen"));
        assertThat(store.message(box, r2.uid()).orElseThrow().flags()).containsExactly("\\Seen");
        assertThat(store.status(box).unseen()).isZero();
        List<MessageMeta> removed = store.storeFlags(box, List.of(r1.uid()), FlagOp.REMOVE, Set.of("$Important"));
        assertThat(removed.getFirst().flags()).containsExactlyInAnyOrder("\\Seen", "\\Flagged");
        assertThat(removed.getFirst().modSeq()).isGreaterThan(modSeq);

        assertThatThrownBy(() -> store.storeFlags(box, List.of(r1.uid()), FlagOp.ADD, Set.of("\\Bogus")))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.INVALID);
        assertThatThrownBy(() -> append(ALICE, "Nope", "x"))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.NOT_FOUND);
    }

    static byte[] threaded(String messageId, String moreHeaders) {
        return ("From: s@example.com\r\nSubject: same subject\r\nMessage-ID: <" + messageId + ">\r\n" + moreHeaders
                + "\r\nbody\r\n").getBytes(StandardCharsets.UTF_8);
    }

    MessageMeta appendThreaded(long account, String mailbox, String messageId, String moreHeaders) {
        AppendResult r = store.append(account, mailbox, MessageContent.of(threaded(messageId, moreHeaders)), Set.of(),
                DATE, 0);
        return store.message(r.mailboxId(), r.uid()).orElseThrow();
    }

    @Test
    void threadsFollowMessageIdsAndNeverMerge() {
        store.createAccount(ALICE);
        MessageMeta root = appendThreaded(ALICE, "INBOX", "root@x", "");
        assertThat(root.threadId()).isEqualTo(root.emailId()); // a new thread is named after its first message
        MessageMeta reply = appendThreaded(ALICE, "INBOX", "reply@x", "In-Reply-To: <root@x>\r\n");
        MessageMeta deeper = appendThreaded(ALICE, "Archive", "deeper@x", "References: <root@x>\r\n <reply@x>\r\n");
        MessageMeta unrelated = appendThreaded(ALICE, "INBOX", "other@x", "In-Reply-To: <unknown@x>\r\n");
        assertThat(reply.threadId()).isEqualTo(root.threadId());
        assertThat(deeper.threadId()).isEqualTo(root.threadId()); // References alone, in another mailbox
        assertThat(unrelated.threadId()).isEqualTo(unrelated.emailId()).isNotEqualTo(root.threadId());

        // the parent arriving after its reply joins the reply's thread (its id was recorded by the reply)
        MessageMeta late = appendThreaded(ALICE, "INBOX", "unknown@x", "");
        assertThat(late.threadId()).isEqualTo(unrelated.threadId());

        // a message naming two threads joins the older one; both threads stay as they were
        MessageMeta bridge = appendThreaded(ALICE, "INBOX", "bridge@x", "References: <other@x> <root@x>\r\n");
        assertThat(bridge.threadId()).isEqualTo(Math.min(root.threadId(), unrelated.threadId()));
        assertThat(appendThreaded(ALICE, "INBOX", "after@x", "In-Reply-To: <other@x>\r\n").threadId())
                .isEqualTo(unrelated.threadId());
        assertThat(store.message(unrelated.mailboxId(), unrelated.uid()).orElseThrow().threadId())
                .isEqualTo(unrelated.threadId());

        // copy, move and restore keep the thread, as they keep the email id
        long archive = store.mailbox(ALICE, "Archive").orElseThrow().id();
        AppendResult copied = store.copy(reply.mailboxId(), List.of(reply.uid()), archive, 0).getFirst();
        assertThat(store.message(archive, copied.uid()).orElseThrow().threadId()).isEqualTo(root.threadId());
        MoveResult moved = store.move(root.mailboxId(), List.of(root.uid()), archive, 0).getFirst();
        assertThat(store.message(archive, moved.targetUid()).orElseThrow().threadId()).isEqualTo(root.threadId());
        store.expunge(archive, List.of(deeper.uid()));
        assertThat(store.restore(ALICE, Instant.EPOCH)).isEqualTo(1);
        assertThat(store.messages(archive)).filteredOn(m -> m.emailId() == deeper.emailId())
                .singleElement().extracting(MessageMeta::threadId).isEqualTo(root.threadId());
        assertThat(store.summaries(archive)).extracting(MessageMeta::threadId).containsOnly(root.threadId());

        // within one MULTIAPPEND a later message sees the ids of an earlier one
        List<AppendResult> both = store.appendAll(ALICE, "INBOX", List.of(
                new AppendRequest(MessageContent.of(threaded("first@x", "")), Set.of(), DATE),
                new AppendRequest(MessageContent.of(threaded("second@x", "In-Reply-To: <first@x>\r\n")), Set.of(),
                        DATE)), 0);
        assertThat(both).extracting(r -> store.message(r.mailboxId(), r.uid()).orElseThrow().threadId())
                .containsOnly(store.message(both.getFirst().mailboxId(), both.getFirst().uid()).orElseThrow().emailId());

        // the change log carries the thread and the ids it newly recorded (thread_msgid rows; root@x was known)
        String add = new String(store.changesSince(0, 10_000).stream().filter(c -> c.kind().equals("message.add"))
                .toList().get(1).payload(), StandardCharsets.UTF_8);
        assertThat(add).contains("\"threadId\":" + root.threadId(), "\"t\":\"thread_msgid\"",
                "\"message_id\":\"reply@x\"").doesNotContain("\"message_id\":\"root@x\"");
        assertThat(store.verify().problems()).isEmpty();
    }

    @Test
    void accountsNeverShareAThread() {
        store.createAccount(ALICE);
        store.createAccount(BOB);
        MessageMeta aliceRoot = appendThreaded(ALICE, "INBOX", "root@x", "");
        MessageMeta bobRoot = appendThreaded(BOB, "INBOX", "root@x", ""); // the same message, also sent to Bob
        assertThat(bobRoot.threadId()).isNotEqualTo(aliceRoot.threadId());
        // one delivery to both: each account's copy joins that account's thread
        store.deliver(MessageContent.of(threaded("reply@x", "In-Reply-To: <root@x>\r\n")), DATE,
                List.of(new DeliveryTarget(ALICE, 0), new DeliveryTarget(BOB, 0)));
        assertThat(store.messages(inbox(ALICE).id()).getLast().threadId()).isEqualTo(aliceRoot.threadId());
        assertThat(store.messages(inbox(BOB).id()).getLast().threadId()).isEqualTo(bobRoot.threadId());
        // a deleted account's ids are gone with it: a re-created account starts afresh
        store.deleteAccount(BOB);
        store.createAccount(BOB);
        MessageMeta again = appendThreaded(BOB, "INBOX", "again@x", "In-Reply-To: <root@x>\r\n");
        assertThat(again.threadId()).isEqualTo(again.emailId());
    }

    @Test
    void copyKeepsBlobAndEmailIdWithNewUids() {
        store.createAccount(ALICE);
        AppendResult a = append(ALICE, "INBOX", "a", "\\Seen");
        AppendResult b = append(ALICE, "INBOX", "b");
        Mailbox archive = store.mailbox(ALICE, "Archive").orElseThrow();
        append(ALICE, "Archive", "existing");
        List<AppendResult> copies = store.copy(a.mailboxId(), List.of(b.uid(), a.uid()), archive.id(), 0);
        assertThat(copies).extracting(AppendResult::uid).containsExactly(2L, 3L);
        assertThat(copies).allMatch(c -> c.uidValidity() == archive.uidValidity());
        MessageMeta original = store.message(a.mailboxId(), a.uid()).orElseThrow();
        MessageMeta copy = store.message(archive.id(), 2).orElseThrow();
        assertThat(copy.blobHash()).isEqualTo(original.blobHash());
        assertThat(copy.emailId()).isEqualTo(original.emailId());
        assertThat(copy.flags()).containsExactly("\\Seen");
        assertThat(store.quotaUsage(ALICE).messages()).isEqualTo(5);
    }

    @Test
    void quotaCountsVisibleMessagesOnly() {
        store.createAccount(ALICE);
        store.createAccount(BOB);
        byte[] body = mail("q");
        long size = body.length;
        AppendResult first = append(ALICE, "INBOX", "q");
        assertThat(store.quotaUsage(ALICE)).isEqualTo(new QuotaUsage(ALICE, size, 1));
        List<DeliveryOutcome> out = store.deliver(MessageContent.of(body), DATE,
                List.of(new DeliveryTarget(ALICE, size + 1), new DeliveryTarget(BOB, 2 * size)));
        assertThat(out.getFirst()).isEqualTo(new DeliveryOutcome.OverQuota(ALICE, size, size + 1));
        assertThat(out.get(1)).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThatThrownBy(() -> store.append(ALICE, "Sent", MessageContent.of(body), Set.of(), DATE, size))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.OVER_QUOTA);
        assertThatThrownBy(() -> store.copy(first.mailboxId(), List.of(first.uid()), inbox(ALICE).id(), size))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.OVER_QUOTA);
        store.expunge(first.mailboxId(), List.of(first.uid()));
        assertThat(store.quotaUsage(ALICE)).isEqualTo(new QuotaUsage(ALICE, 0, 0));
        assertThat(store.deliver(MessageContent.of(body), DATE, List.of(new DeliveryTarget(ALICE, size))).getFirst())
                .isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(store.verify().problems()).isEmpty();
    }

    @Test
    void expungeRestorePurge() {
        store.createAccount(ALICE);
        AppendResult a = append(ALICE, "INBOX", "a", "\\Deleted");
        AppendResult b = append(ALICE, "INBOX", "b");
        long box = a.mailboxId();
        long before = inbox(ALICE).highestModSeq();
        Instant expungedAt = Instant.now().minusSeconds(1);
        store.expunge(box, List.of(a.uid(), 424242L));
        assertThat(store.messages(box)).extracting(MessageMeta::uid).containsExactly(b.uid());
        assertThat(store.message(box, a.uid())).isEmpty();
        assertThat(inbox(ALICE).highestModSeq()).isGreaterThan(before);
        assertThat(store.expungedSince(box, before)).containsExactly(a.uid());
        assertThat(store.expungedSince(box, inbox(ALICE).highestModSeq())).isEmpty();

        assertThat(store.restore(ALICE, expungedAt)).isEqualTo(1);
        List<MessageMeta> visible = store.messages(box);
        assertThat(visible).extracting(MessageMeta::uid).containsExactly(b.uid(), b.uid() + 1);
        MessageMeta restored = visible.getLast();
        assertThat(restored.flags()).containsExactly("\\Deleted");
        assertThat(store.expungedSince(box, before)).containsExactly(a.uid()); // the old uid stays vanished
        assertThat(store.restore(ALICE, expungedAt)).isZero();

        store.expunge(box, List.of(restored.uid()));
        String hash = restored.blobHash();
        assertThat(store.purgeExpunged(Instant.now())).isZero(); // still within retention
        assertThat(store.purgeExpunged(Instant.now().plus(Duration.ofDays(8)))).isEqualTo(1);
        assertThat(store.restore(ALICE, Instant.EPOCH)).isZero();
        // the purged history is answered with every UID given out and not visible: nothing expunged is missed
        assertThat(store.expungedSince(box, before)).containsExactly(a.uid(), restored.uid());
        assertThat(store.expungedSince(box, inbox(ALICE).highestModSeq())).isEmpty();
        assertThatThrownBy(() -> store.openBody(hash))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.NOT_FOUND);
        assertThat(read(store, store.messages(box).getFirst().blobHash())).isEqualTo(mail("b"));
        assertThat(append(ALICE, "INBOX", "c").uid()).isEqualTo(b.uid() + 2); // UIDNEXT never goes back
        assertThat(store.verify().problems()).isEmpty();
    }

    @Test
    void deletedMailboxIsRestoredUnderItsName() {
        store.createAccount(ALICE);
        store.createMailbox(ALICE, "Project", SpecialUse.NONE);
        append(ALICE, "Project", "p1");
        store.deleteMailbox(ALICE, "Project");
        assertThat(store.quotaUsage(ALICE).messages()).isZero();
        assertThat(store.restore(ALICE, Instant.EPOCH)).isEqualTo(1);
        Mailbox project = store.mailbox(ALICE, "Project").orElseThrow();
        assertThat(store.messages(project.id())).hasSize(1);
        assertThat(store.verify().problems()).isEmpty();
    }

    @Test
    void renameInboxMovesMessagesAndKeepsInbox() {
        store.createAccount(ALICE);
        store.createMailbox(ALICE, "INBOX/child", SpecialUse.NONE);
        append(ALICE, "INBOX", "x1");
        append(ALICE, "INBOX", "x2", "\\Seen");
        Mailbox oldInbox = inbox(ALICE);
        store.renameMailbox(ALICE, "inbox", "Old Mail");
        Mailbox inbox = inbox(ALICE);
        assertThat(inbox.id()).isEqualTo(oldInbox.id());
        assertThat(inbox.uidNext()).isEqualTo(oldInbox.uidNext());
        assertThat(store.messages(inbox.id())).isEmpty();
        assertThat(store.mailbox(ALICE, "INBOX/child")).isPresent();
        Mailbox moved = store.mailbox(ALICE, "Old Mail").orElseThrow();
        assertThat(store.messages(moved.id())).extracting(MessageMeta::uid).containsExactly(1L, 2L);
        assertThat(store.messages(moved.id()).getLast().flags()).containsExactly("\\Seen");
        assertThat(store.quotaUsage(ALICE).messages()).isEqualTo(2);
        assertThat(store.restore(ALICE, Instant.EPOCH)).isZero(); // a move is not an expunge
        assertThat(append(ALICE, "INBOX", "x3").uid()).isEqualTo(3);
        assertThat(store.verify().problems()).isEmpty();
    }

    @Test
    void restartKeepsEverythingAndUidsContinue() throws IOException {
        store.createAccount(ALICE);
        AppendResult r = append(ALICE, "INBOX", "persist", "\\Flagged");
        long seq = store.lastChangeSeq();
        Path stale = dir.resolve("slot/blobs/tmp/leftover.tmp");
        Files.writeString(stale, "half a body");
        store.close();
        assertThat(stale).exists();
        store = open(dir.resolve("slot"));
        assertThat(stale).doesNotExist();
        assertThat(store.lastChangeSeq()).isEqualTo(seq);
        MessageMeta m = store.message(r.mailboxId(), r.uid()).orElseThrow();
        assertThat(m.flags()).containsExactly("\\Flagged");
        assertThat(read(store, m.blobHash())).isEqualTo(mail("persist"));
        assertThat(append(ALICE, "INBOX", "after").uid()).isEqualTo(r.uid() + 1);
        assertThat(store.lastChangeSeq()).isGreaterThan(seq);
    }

    @Test
    void slotCannotBeOpenedTwice() {
        assertThatThrownBy(() -> open(dir.resolve("slot")))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.IO);
    }

    @Test
    void verifyFindsCorruptAndMissingBlobs() throws IOException {
        store.createAccount(ALICE);
        AppendResult a = append(ALICE, "INBOX", "corrupt me");
        AppendResult b = append(ALICE, "INBOX", "lose me");
        VerifyReport clean = store.verify();
        assertThat(clean.clean()).isTrue();
        assertThat(clean.blobsChecked()).isEqualTo(2);
        assertThat(clean.rowsChecked()).isEqualTo(2);

        String ha = store.message(a.mailboxId(), a.uid()).orElseThrow().blobHash();
        String hb = store.message(b.mailboxId(), b.uid()).orElseThrow().blobHash();
        Path pa = dir.resolve("slot/blobs").resolve(ha.substring(0, 2)).resolve(ha.substring(2, 4)).resolve(ha);
        Path pb = dir.resolve("slot/blobs").resolve(hb.substring(0, 2)).resolve(hb.substring(2, 4)).resolve(hb);
        byte[] bytes = Files.readAllBytes(pa);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(pa, bytes);
        Files.delete(pb);
        VerifyReport report = store.verify();
        assertThat(report.clean()).isFalse();
        assertThat(report.problems()).anyMatch(p -> p.contains(ha) && p.contains("corrupted"));
        assertThat(report.problems()).anyMatch(p -> p.contains(hb) && p.contains("missing"));
    }

    @Test
    void orphanBlobIsNotAProblemAndIsCollected() throws IOException {
        store.createAccount(ALICE);
        append(ALICE, "INBOX", "keep");
        store.deleteAccount(ALICE);
        assertThat(store.mailboxes(ALICE)).isEmpty();
        assertThat(store.verify().clean()).isTrue(); // its blob is now an orphan
        store.purgeExpunged(Instant.now());
        assertThat(store.verify().blobsChecked()).isZero();
    }

    @Test
    void changeRecordsAreSequencedWithValidCrcAndPublished() {
        List<ChangeRecord> heard = new CopyOnWriteArrayList<>();
        store.addChangeListener(heard::add);
        store.addChangeListener(c -> {
            throw new IllegalStateException("a broken listener must not break writes");
        });
        store.createAccount(ALICE);
        AppendResult r = append(ALICE, "INBOX", "c1");
        store.storeFlags(r.mailboxId(), List.of(r.uid()), FlagOp.ADD, Set.of("\\Seen"));
        store.expunge(r.mailboxId(), List.of(r.uid()));
        List<ChangeRecord> log = store.changesSince(0, 1000);
        assertThat(log).extracting(ChangeRecord::kind).startsWith("account.create", "mailbox.create")
                .endsWith("message.add", "message.flags", "message.expunge");
        for (int i = 0; i < log.size(); i++) {
            ChangeRecord c = log.get(i);
            assertThat(c.seq()).isEqualTo(i + 1);
            assertThat(c.epoch()).isEqualTo(store.epoch());
            assertThat(Tx.crc32c(c.payload())).isEqualTo(c.crc32c());
        }
        assertThat(store.lastChangeSeq()).isEqualTo(log.size());
        assertThat(heard).extracting(ChangeRecord::seq).isEqualTo(log.stream().map(ChangeRecord::seq).toList());
        assertThat(heard.getLast().payload()).isEqualTo(log.getLast().payload());
        assertThat(store.changesSince(log.size() - 1, 10)).hasSize(1);
        String add = new String(log.get(log.size() - 3).payload(), StandardCharsets.UTF_8);
        assertThat(add).contains("\"blobHash\"").contains("\"envelope\"").contains("\"uid\":1");
        assertThatThrownBy(() -> store.changesSince(0, 0))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.INVALID);
    }

    @Test
    void groupCommitUnderConcurrentDeliverers() throws Exception {
        int threads = 50;
        int perThread = 4;
        List<Thread> workers = new ArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        List<DeliveryOutcome> outcomes = new CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < perThread; i++) {
                        byte[] body = mail("t" + id + "-m" + i);
                        outcomes.addAll(store.deliver(MessageContent.of(body), DATE,
                                List.of(new DeliveryTarget(ALICE, 0), new DeliveryTarget(BOB + id % 3, 0))));
                    }
                    if (id % 10 == 0) { // a failing request in the same batches must not fail the others
                        append(ALICE, "does-not-exist", "x");
                    }
                } catch (StoreException e) {
                    if (e.reason() != StoreException.Reason.NOT_FOUND) {
                        errors.add(e);
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        assertThat(errors).isEmpty();
        assertThat(outcomes).hasSize(threads * perThread * 2).allMatch(o -> o instanceof DeliveryOutcome.Delivered);
        List<MessageMeta> alice = store.messages(inbox(ALICE).id());
        assertThat(alice).hasSize(threads * perThread);
        assertThat(alice).extracting(MessageMeta::uid).isSorted().doesNotHaveDuplicates();
        assertThat(alice.getLast().uid()).isEqualTo(threads * perThread);
        java.util.Set<String> subjects = new java.util.HashSet<>();
        for (MessageMeta m : alice) {
            byte[] body = read(store, m.blobHash());
            assertThat(sha256(body)).isEqualTo(m.blobHash());
            subjects.add(new String(body, StandardCharsets.UTF_8).lines()
                    .filter(l -> l.startsWith("Subject: ")).findFirst().orElseThrow());
        }
        assertThat(subjects).hasSize(threads * perThread);
        long bobs = 0;
        for (int k = 0; k < 3; k++) {
            bobs += store.messages(inbox(BOB + k).id()).size();
        }
        assertThat(bobs).isEqualTo(threads * perThread);
        assertThat(store.verify().problems()).isEmpty();
    }

    // ---- IMAP support (issue 3)

    @Test
    void conditionalStoreSkipsMessagesChangedSince() {
        store.createAccount(ALICE);
        AppendResult a = append(ALICE, "INBOX", "a");
        AppendResult b = append(ALICE, "INBOX", "b");
        long box = a.mailboxId();
        StoreFlagsResult first = store.storeFlags(box, List.of(a.uid()), FlagOp.ADD, Set.of("\\Flagged"), 0);
        long changedA = first.modSeq();
        assertThat(first.failed()).isEmpty();
        assertThat(changedA).isGreaterThan(b.modSeq());

        // a client that last saw b's modseq: a changed since, b did not
        StoreFlagsResult cond = store.storeFlags(box, List.of(a.uid(), b.uid(), 77L), FlagOp.ADD,
                Set.of("\\Seen"), b.modSeq());
        assertThat(cond.failed()).containsExactly(a.uid());
        assertThat(cond.messages()).extracting(MessageMeta::uid).containsExactly(b.uid());
        assertThat(cond.messages().getFirst().flags()).containsExactly("\\Seen");
        assertThat(cond.messages().getFirst().modSeq()).isEqualTo(cond.modSeq()).isGreaterThan(changedA);
        assertThat(store.message(box, a.uid()).orElseThrow().flags()).containsExactly("\\Flagged");

        // a change that changes nothing keeps the modseq, and the mailbox's
        long highest = store.status(box).mailbox().highestModSeq();
        StoreFlagsResult noop = store.storeFlags(box, List.of(a.uid(), b.uid()), FlagOp.ADD, Set.of("\\Seen"),
                highest);
        assertThat(noop.failed()).isEmpty();
        assertThat(noop.modSeq()).isGreaterThan(highest);
        assertThat(noop.messages()).filteredOn(m -> m.uid() == b.uid()).extracting(MessageMeta::modSeq)
                .containsExactly(cond.modSeq());
        StoreFlagsResult nothing = store.storeFlags(box, List.of(a.uid(), b.uid()), FlagOp.ADD, Set.of("\\Seen"),
                -1);
        assertThat(nothing.modSeq()).isZero();
        assertThat(nothing.messages()).hasSize(2);
        assertThat(store.status(box).mailbox().highestModSeq()).isEqualTo(noop.modSeq());
        assertThat(store.status(box).unseen()).isZero();
        assertThat(store.verify().problems()).isEmpty();
    }

    @Test
    void moveCopiesAndExpungesAtomically() {
        store.createAccount(ALICE);
        AppendResult a = append(ALICE, "INBOX", "a", "\\Seen");
        AppendResult b = append(ALICE, "INBOX", "b");
        AppendResult c = append(ALICE, "INBOX", "c");
        Mailbox archive = store.mailbox(ALICE, "Archive").orElseThrow();
        append(ALICE, "Archive", "there");
        long box = a.mailboxId();
        long before = inbox(ALICE).highestModSeq();
        QuotaUsage usage = store.quotaUsage(ALICE);
        MessageMeta original = store.message(box, a.uid()).orElseThrow();

        // quota at exactly the current usage: a move within the account needs no room
        List<MoveResult> moved = store.move(box, List.of(c.uid(), a.uid(), 99L), archive.id(), usage.bytes());
        assertThat(moved).extracting(MoveResult::sourceUid).containsExactly(a.uid(), c.uid());
        assertThat(moved).extracting(MoveResult::targetUid).containsExactly(2L, 3L);
        assertThat(moved).allMatch(m -> m.targetUidValidity() == archive.uidValidity());
        long expungeModSeq = moved.getFirst().expungeModSeq();
        assertThat(expungeModSeq).isGreaterThan(before);
        assertThat(store.messages(box)).extracting(MessageMeta::uid).containsExactly(b.uid());
        assertThat(store.expungedSince(box, before)).containsExactly(a.uid(), c.uid());
        assertThat(inbox(ALICE).highestModSeq()).isEqualTo(expungeModSeq);
        MessageMeta there = store.message(archive.id(), 2).orElseThrow();
        assertThat(there.blobHash()).isEqualTo(original.blobHash());
        assertThat(there.emailId()).isEqualTo(original.emailId());
        assertThat(there.flags()).containsExactly("\\Seen");
        assertThat(store.quotaUsage(ALICE)).isEqualTo(usage);
        assertThat(store.restore(ALICE, Instant.EPOCH)).isZero(); // moved, not deleted
        assertThat(store.status(archive.id()).messages()).isEqualTo(3);
        assertThat(store.status(box)).extracting(MailboxStatus::messages, MailboxStatus::unseen).containsExactly(1, 1);
        assertThat(store.move(box, List.of(424242L), archive.id(), 0)).isEmpty();

        // across accounts the target's quota applies, all or nothing
        store.createAccount(BOB);
        assertThatThrownBy(() -> store.move(box, List.of(b.uid()), inbox(BOB).id(), 1))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.OVER_QUOTA);
        assertThat(store.messages(box)).hasSize(1);
        assertThatThrownBy(() -> store.move(box, List.of(b.uid()), 987654L, 0))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.NOT_FOUND);
        assertThat(store.messages(box)).hasSize(1);
        assertThat(store.verify().problems()).isEmpty();
    }

    @Test
    void appendAllIsAllOrNothing() {
        store.createAccount(ALICE);
        Instant d1 = Instant.parse("2020-01-02T03:04:05Z");
        List<AppendRequest> batch = List.of(
                new AppendRequest(MessageContent.of(mail("m1")), Set.of("\\Seen", "$Work"), d1),
                new AppendRequest(MessageContent.of(mail("m2")), Set.of(), DATE),
                new AppendRequest(MessageContent.of(mail("m3")), null, DATE));
        long size = batch.stream().mapToLong(r -> r.body().size()).sum();
        assertThatThrownBy(() -> store.appendAll(ALICE, "Sent", batch, size - 1))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.OVER_QUOTA);
        assertThatThrownBy(() -> store.appendAll(ALICE, "Nope", batch, 0))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.NOT_FOUND);
        List<AppendRequest> bad = List.of(batch.getFirst(),
                new AppendRequest(MessageContent.of(mail("x")), Set.of("\\Bogus"), DATE));
        assertThatThrownBy(() -> store.appendAll(ALICE, "Sent", bad, 0))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.INVALID);
        Mailbox sent = store.mailbox(ALICE, "Sent").orElseThrow();
        assertThat(store.messages(sent.id())).isEmpty();
        assertThat(sent.uidNext()).isEqualTo(1);

        List<AppendResult> out = store.appendAll(ALICE, "Sent", batch, size);
        assertThat(out).extracting(AppendResult::uid).containsExactly(1L, 2L, 3L);
        assertThat(out).allMatch(r -> r.uidValidity() == sent.uidValidity() && r.mailboxId() == sent.id());
        MessageMeta first = store.message(sent.id(), 1).orElseThrow();
        assertThat(first.flags()).containsExactlyInAnyOrder("\\Seen", "$Work");
        assertThat(first.internalDate()).isEqualTo(d1);
        assertThat(read(store, store.message(sent.id(), 3).orElseThrow().blobHash())).isEqualTo(mail("m3"));
        assertThat(store.status(sent.id())).extracting(MailboxStatus::messages, MailboxStatus::unseen,
                MailboxStatus::sizeBytes).containsExactly(3, 2, size);
        assertThat(store.appendAll(ALICE, "Sent", List.of(), 0)).isEmpty();
        assertThat(store.verify().problems()).isEmpty();
    }

    @Test
    void changedSinceListsVisibleMessagesAboveModSeq() {
        store.createAccount(ALICE);
        AppendResult a = append(ALICE, "INBOX", "a");
        AppendResult b = append(ALICE, "INBOX", "b");
        AppendResult c = append(ALICE, "INBOX", "c");
        long box = a.mailboxId();
        long mark = c.modSeq();
        assertThat(store.changedSince(box, 0)).extracting(MessageMeta::uid).containsExactly(a.uid(), b.uid(), c.uid());
        assertThat(store.changedSince(box, mark)).isEmpty();
        store.storeFlags(box, List.of(c.uid(), a.uid()), FlagOp.ADD, Set.of("\\Answered"));
        store.expunge(box, List.of(b.uid()));
        AppendResult d = append(ALICE, "INBOX", "d");
        assertThat(store.changedSince(box, mark)).extracting(MessageMeta::uid).containsExactly(a.uid(), c.uid(), d.uid());
        assertThat(store.changedSince(box, d.modSeq())).isEmpty();
        assertThat(store.expungedSince(box, mark)).containsExactly(b.uid());
        assertThatThrownBy(() -> store.changedSince(987654L, 0))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.NOT_FOUND);
    }

    @Test
    void statusCountersFollowEveryWrite() {
        store.createAccount(ALICE);
        long box = inbox(ALICE).id();
        assertThat(store.status(box)).extracting(MailboxStatus::messages, MailboxStatus::unseen,
                MailboxStatus::sizeBytes).containsExactly(0, 0, 0L);
        assertThat(store.firstUnseenUid(box)).isZero();
        AppendResult a = append(ALICE, "INBOX", "a", "\\Seen");
        AppendResult b = append(ALICE, "INBOX", "b");
        AppendResult c = append(ALICE, "INBOX", "c");
        store.deliver(MessageContent.of(mail("d")), DATE, List.of(new DeliveryTarget(ALICE, 0)));
        long size = mail("a").length + mail("b").length + mail("c").length + mail("d").length;
        assertThat(store.status(box)).extracting(MailboxStatus::messages, MailboxStatus::unseen,
                MailboxStatus::sizeBytes).containsExactly(4, 3, size);
        assertThat(store.firstUnseenUid(box)).isEqualTo(b.uid());
        store.storeFlags(box, List.of(b.uid()), FlagOp.ADD, Set.of("\\Seen"));
        assertThat(store.firstUnseenUid(box)).isEqualTo(c.uid());
        store.storeFlags(box, List.of(a.uid()), FlagOp.REPLACE, Set.of("\\Draft"));
        assertThat(store.firstUnseenUid(box)).isEqualTo(a.uid());
        store.expunge(box, List.of(a.uid(), c.uid()));
        assertThat(store.status(box)).extracting(MailboxStatus::messages, MailboxStatus::unseen,
                MailboxStatus::sizeBytes).containsExactly(2, 1, (long) mail("b").length + mail("d").length);
        store.restore(ALICE, Instant.EPOCH);
        assertThat(store.status(box).messages()).isEqualTo(4);
        store.createMailbox(ALICE, "Box", SpecialUse.NONE);
        store.copy(box, List.of(b.uid()), store.mailbox(ALICE, "Box").orElseThrow().id(), 0);
        store.deleteMailbox(ALICE, "Box");
        store.renameMailbox(ALICE, "INBOX", "Old");
        assertThat(store.status(box).messages()).isZero();
        assertThat(store.status(store.mailbox(ALICE, "Old").orElseThrow().id()).messages()).isEqualTo(4);
        assertThat(store.verify().problems()).isEmpty();
        assertThatThrownBy(() -> store.status(987654L))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.NOT_FOUND);
    }

    @Test
    void flagsAndUidsIsTheLightSelectView() {
        store.createAccount(ALICE);
        AppendResult a = append(ALICE, "INBOX", "a", "\\Seen", "$Label1");
        AppendResult b = append(ALICE, "INBOX", "b");
        append(ALICE, "INBOX", "c");
        store.expunge(a.mailboxId(), List.of(b.uid()));
        List<MessageFlags> view = store.flagsAndUids(a.mailboxId());
        List<MessageMeta> full = store.messages(a.mailboxId());
        assertThat(view).extracting(MessageFlags::uid).isEqualTo(full.stream().map(MessageMeta::uid).toList());
        assertThat(view).extracting(MessageFlags::modSeq).isEqualTo(full.stream().map(MessageMeta::modSeq).toList());
        assertThat(view.getFirst().flags()).containsExactlyInAnyOrder("\\Seen", "$Label1");
        assertThat(view.getLast().flags()).isEmpty();
    }

    @Test
    void mailboxListenersHearEachChangedMailboxOncePerCommit() throws Exception {
        store.createAccount(ALICE);
        long box = inbox(ALICE).id();
        long archive = store.mailbox(ALICE, "Archive").orElseThrow().id();
        List<long[]> heard = new CopyOnWriteArrayList<>();
        MailboxListener listener = (mailboxId, highest) -> heard.add(new long[] {mailboxId, highest});
        store.addMailboxListener(listener);
        store.addMailboxListener((m, h) -> {
            throw new IllegalStateException("a broken listener must not break writes");
        });
        AppendResult a = append(ALICE, "INBOX", "a");
        assertThat(heard).hasSize(1);
        assertThat(heard.getFirst()).containsExactly(box, a.modSeq());
        heard.clear();
        store.appendAll(ALICE, "INBOX", List.of(new AppendRequest(MessageContent.of(mail("x")), Set.of(), DATE),
                new AppendRequest(MessageContent.of(mail("y")), Set.of(), DATE)), 0);
        assertThat(heard).hasSize(1); // once per mailbox per transaction, with the final HIGHESTMODSEQ
        assertThat(heard.getFirst()).containsExactly(box, inbox(ALICE).highestModSeq());
        heard.clear();
        store.storeFlags(box, List.of(a.uid()), FlagOp.ADD, Set.of("\\Seen"));
        store.storeFlags(box, List.of(a.uid()), FlagOp.ADD, Set.of("\\Seen")); // no change: no news
        assertThat(heard).hasSize(1);
        heard.clear();
        store.move(box, List.of(a.uid()), archive, 0);
        assertThat(heard).extracting(h -> h[0]).containsExactlyInAnyOrder(box, archive);
        assertThat(heard).filteredOn(h -> h[0] == box).extracting(h -> h[1])
                .containsExactly(inbox(ALICE).highestModSeq());
        heard.clear();
        store.removeMailboxListener(listener);
        append(ALICE, "INBOX", "b");
        assertThat(heard).isEmpty();
    }

    @Test
    void searchTextFindsSubstringsOfVisibleMessages() {
        store.createAccount(ALICE);
        AppendResult a = append(ALICE, "INBOX", "Quarterly Report");
        AppendResult b = append(ALICE, "INBOX", "lunch");
        long box = a.mailboxId();
        assertThat(store.searchText(box, "ARTERLY rep", TextField.BODY)).containsExactly(a.uid());
        assertThat(store.searchText(box, "Body of", TextField.BODY)).containsExactly(a.uid(), b.uid());
        assertThat(store.searchText(box, "s@example.com", TextField.BODY)).isEmpty();
        assertThat(store.searchText(box, "s@example.com", TextField.TEXT)).containsExactly(a.uid(), b.uid());
        store.expunge(box, List.of(a.uid()));
        assertThat(store.searchText(box, "quarterly", TextField.TEXT)).isEmpty();
        assertThat(store.verify().problems()).isEmpty();
    }

    /** The top-level header is kept with every row that refers to the message, however the row was made. */
    @Test
    void headersAreKeptWithEveryRowOfTheMessage() {
        store.createAccount(ALICE);
        store.createAccount(BOB);
        String header = "From: A <a@x>\r\nSubject: =?UTF-8?B?w6l0w6k=?=\r\n folded\r\n\r\n";
        byte[] crlf = (header + "body\r\n\r\nmore\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] lf = "Subject: lf\nX: y\n\nbody\n".getBytes(StandardCharsets.UTF_8);
        byte[] noBlankLine = "Subject: only a header\r\nX: y\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] huge = ("Subject: huge\r\nX-Long: " + "a".repeat(64 * 1024) + "\r\n\r\nbody\r\n")
                .getBytes(StandardCharsets.UTF_8);
        AppendResult a = store.append(ALICE, "INBOX", MessageContent.of(crlf), Set.of(), DATE, 0);
        AppendResult b = store.append(ALICE, "INBOX", MessageContent.of(lf), Set.of(), DATE, 0);
        List<AppendResult> more = store.appendAll(ALICE, "INBOX", List.of(
                new AppendRequest(MessageContent.of(noBlankLine), Set.of(), DATE),
                new AppendRequest(MessageContent.of(huge), Set.of(), DATE)), 0);
        store.deliver(MessageContent.of(lf), DATE, List.of(new DeliveryTarget(ALICE, 0), new DeliveryTarget(BOB, 0)));
        long box = a.mailboxId();
        java.util.Map<Long, byte[]> headers = store.headers(box, 1, Long.MAX_VALUE);
        assertThat(headers).containsOnlyKeys(a.uid(), b.uid(), more.get(0).uid(), 5L); // the huge one: over the cap
        assertThat(new String(headers.get(a.uid()), StandardCharsets.UTF_8)).isEqualTo(header);
        assertThat(headers.get(b.uid())).isEqualTo("Subject: lf\nX: y\n\n".getBytes(StandardCharsets.UTF_8));
        assertThat(headers.get(more.get(0).uid())).isEqualTo(noBlankLine); // no blank line: the whole message
        assertThat(headers.get(5L)).isEqualTo(headers.get(b.uid())); // delivered
        assertThat(store.headers(inbox(BOB).id(), 1, 1)).containsOnlyKeys(1L);
        assertThat(store.headers(box, 2, 3)).containsOnlyKeys(b.uid(), more.get(0).uid());
        assertThat(store.headers(box + 1000, 1, 100)).isEmpty();

        long archive = store.mailbox(ALICE, "Archive").orElseThrow().id();
        long trash = store.mailbox(ALICE, "Trash").orElseThrow().id();
        List<AppendResult> copied = store.copy(box, List.of(a.uid(), more.get(1).uid()), archive, 0);
        List<MoveResult> moved = store.move(box, List.of(b.uid()), trash, 0);
        assertThat(store.headers(archive, 1, 10)).containsOnlyKeys(copied.get(0).uid()); // the huge one stays absent
        assertThat(store.headers(archive, 1, 10).get(copied.get(0).uid())).isEqualTo(headers.get(a.uid()));
        assertThat(store.headers(trash, 1, 10).get(moved.getFirst().targetUid())).isEqualTo(headers.get(b.uid()));
        assertThat(store.headers(box, 1, 10)).doesNotContainKey(b.uid()); // moved away: not visible there

        store.expunge(box, List.of(a.uid()));
        assertThat(store.headers(box, 1, 10)).doesNotContainKey(a.uid());
        assertThat(store.restore(ALICE, Instant.EPOCH)).isEqualTo(1);
        MessageMeta restored = store.messages(box).getLast();
        assertThat(restored.blobHash()).isEqualTo(store.message(archive, copied.get(0).uid()).orElseThrow().blobHash());
        assertThat(store.headers(box, restored.uid(), restored.uid()).get(restored.uid()))
                .isEqualTo(headers.get(a.uid()));

        // the change log carries the header (in the row image), so a replica applying it keeps the cache
        String add = new String(store.changesSince(0, 10_000).stream().filter(c -> c.kind().equals("message.add"))
                .toList().getFirst().payload(), StandardCharsets.UTF_8);
        assertThat(add).contains("\"header\":\"" + java.util.HexFormat.of().withUpperCase().formatHex(
                header.getBytes(StandardCharsets.UTF_8)) + "\"");
        assertThat(store.verify().problems()).isEmpty();
        reopen();
        assertThat(store.headers(box, a.uid(), a.uid())).isEmpty(); // expunged, restored under a new uid
        assertThat(store.headers(trash, 1, 10).get(moved.getFirst().targetUid())).isEqualTo(headers.get(b.uid()));
    }

    @Test
    void aScrubFindsADamagedBodyAndAVerifiedOneMendsItInPlace() throws Exception {
        store.createAccount(ALICE);
        AppendResult a = append(ALICE, "INBOX", "kept");
        String hash = store.message(inbox(ALICE).id(), a.uid()).orElseThrow().blobHash();
        byte[] good = read(store, hash);
        Path file = dir.resolve("slot/blobs").resolve(hash.substring(0, 2)).resolve(hash.substring(2, 4)).resolve(hash);
        byte[] bad = good.clone();
        bad[0] ^= 1;
        Files.write(file, bad);
        assertThat(store.checkBodies()).isEqualTo(new BodyCheck(1, List.of(
                new DamagedBody(hash, good.length, DamagedBody.Kind.CORRUPTED))));
        assertThat(store.bodySize(hash)).isEqualTo(good.length);

        assertThatThrownBy(() -> store.receiveBody(hash, new java.io.ByteArrayInputStream(bad)))
                .isInstanceOf(StoreException.class);
        store.receiveBody(hash, new java.io.ByteArrayInputStream(good)); // a master copy takes a repair too
        assertThat(read(store, hash)).isEqualTo(good);
        assertThat(store.checkBodies().damaged()).isEmpty();

        CopyDigest digest = store.copyDigest();
        assertThat(digest.seq()).isEqualTo(store.lastChangeSeq());
        assertThat(digest.content()).isEqualTo(store.contentDigest());
        assertThat(digest.mailboxes()).hasSize(store.mailboxes(ALICE).size());
    }

    // ---- outbound queue

    static final Instant LATER = DATE.plus(Duration.ofDays(5));

    long submit(String subject, boolean saveToSent, String... recipients) {
        return store.submit(ALICE, "alice@example.com", List.of(recipients), MessageContent.of(mail(subject)), DATE,
                LATER, 0, saveToSent);
    }

    static OutboundOutcome outcome(String address, OutboundRecipient.State state, Instant next, String diagnostic) {
        return new OutboundOutcome(address, state, next, state == OutboundRecipient.State.PENDING ? "4.4.1"
                : state == OutboundRecipient.State.FAILED ? "5.1.1" : "2.0.0", diagnostic, "mx.example.org");
    }

    @Test
    void submitSavesToSentAndQueuesEveryRecipientOnce() {
        Instant before = Instant.now().minusSeconds(1);
        long id = submit("out", true, "bob@example.org", "carol@example.net", "bob@example.org");

        Mailbox sent = store.mailbox(ALICE, "Sent").orElseThrow(); // the account had no mailboxes: created
        List<MessageMeta> copies = store.messages(sent.id());
        assertThat(copies).hasSize(1);
        assertThat(copies.getFirst().flags()).containsExactly("\\Seen");
        assertThat(store.quotaUsage(ALICE).messages()).isEqualTo(1);

        OutboundEntry e = store.outbound(id).orElseThrow();
        assertThat(e.accountId()).isEqualTo(ALICE);
        assertThat(e.sender()).isEqualTo("alice@example.com");
        assertThat(e.blobHash()).isEqualTo(copies.getFirst().blobHash());
        assertThat(e.size()).isEqualTo(mail("out").length);
        assertThat(e.expiresAt()).isEqualTo(LATER.truncatedTo(ChronoUnit.MILLIS));
        assertThat(e.createdAt()).isAfter(before);
        assertThat(e.delayNoticeSent()).isFalse();
        assertThat(e.recipients()).extracting(OutboundRecipient::address)
                .containsExactly("bob@example.org", "carol@example.net");
        assertThat(e.pending()).hasSize(2).allSatisfy(r -> {
            assertThat(r.attempts()).isZero();
            assertThat(r.nextAttemptAt()).isEqualTo(e.createdAt()); // due at once
        });
        assertThat(store.dueOutbound(Instant.now(), 10)).containsExactly(e);
        assertThat(store.changesSince(0, 100)).extracting(ChangeRecord::kind).endsWith("message.add", "outbound.add");
        assertThat(store.verify().problems()).isEmpty();

        long second = submit("not saved", false, "dave@example.org");
        assertThat(second).isGreaterThan(id);
        assertThat(store.messages(sent.id())).hasSize(1);
        assertThat(store.dueOutbound(Instant.now(), 10)).extracting(OutboundEntry::id).containsExactly(id, second);
        assertThat(store.dueOutbound(Instant.now(), 1)).extracting(OutboundEntry::id).containsExactly(id);
    }

    @Test
    void submitIsRefusedWholeWhenSentIsOverQuotaOrTheEnvelopeIsBroken() {
        store.createAccount(ALICE);
        long seq = store.lastChangeSeq();
        assertThatThrownBy(() -> store.submit(ALICE, "alice@example.com", List.of("bob@example.org"),
                MessageContent.of(mail("big")), DATE, LATER, 10, true))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.OVER_QUOTA);
        assertThatThrownBy(() -> store.submit(ALICE, "alice@example.com", List.of(), MessageContent.of(mail("x")),
                DATE, LATER, 0, true)).hasFieldOrPropertyWithValue("reason", StoreException.Reason.INVALID);
        assertThatThrownBy(() -> store.submit(ALICE, "alice@example.com", List.of("bob@example.org\r\nRCPT TO:<x>"),
                MessageContent.of(mail("x")), DATE, LATER, 0, true))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.INVALID)
                .hasMessageContaining("control character");
        assertThat(store.lastChangeSeq()).isEqualTo(seq);
        assertThat(store.dueOutbound(Instant.now(), 10)).isEmpty();
        // over quota, but not saved to Sent: queued (the queue does not count against the quota)
        store.submit(ALICE, "", List.of("bob@example.org"), MessageContent.of(mail("big")), DATE, LATER, 10, false);
        assertThat(store.dueOutbound(Instant.now(), 10)).singleElement().satisfies(e -> assertThat(e.sender()).isEmpty());
    }

    @Test
    void theOperatorFlushesAndDeletesQueuedMail() {
        long first = submit("flush me", false, "bob@example.org");
        long second = submit("delete me", false, "carol@example.net");
        Instant now = Instant.now();
        store.claimOutbound(first, now, now.plusSeconds(3600)).orElseThrow();
        store.claimOutbound(second, now, now.plusSeconds(3600)).orElseThrow();
        assertThat(store.dueOutbound(now, 10)).isEmpty();

        assertThat(store.flushOutbound(now)).isEqualTo(2);
        assertThat(store.dueOutbound(now, 10)).extracting(OutboundEntry::id).containsExactlyInAnyOrder(first, second);
        assertThat(store.flushOutbound(now)).isZero(); // nothing due later any more

        assertThat(store.deleteOutbound(second)).isTrue();
        assertThat(store.outbound(second)).isEmpty();
        assertThat(store.deleteOutbound(second)).isFalse();
        assertThat(store.dueOutbound(now, 10)).extracting(OutboundEntry::id).containsExactly(first);
    }

    @Test
    void anAttemptIsClaimedOnceAndItsOutcomesRecordedUntilTheEntryLeaves() {
        long id = submit("try", true, "bob@example.org", "carol@example.net");
        Instant now = Instant.now();
        Instant retry = now.plusSeconds(300);

        OutboundEntry claimed = store.claimOutbound(id, now, retry).orElseThrow();
        assertThat(claimed.pending()).allSatisfy(r -> {
            assertThat(r.attempts()).isEqualTo(1);
            assertThat(r.nextAttemptAt()).isEqualTo(retry.truncatedTo(ChronoUnit.MILLIS));
        });
        assertThat(store.claimOutbound(id, now, retry)).isEmpty(); // nothing due any more: a second runner gets nothing
        assertThat(store.dueOutbound(now, 10)).isEmpty();

        Optional<OutboundEntry> after = store.recordOutboundAttempt(id, List.of(
                outcome("bob@example.org", OutboundRecipient.State.DELIVERED, null, "250 2.0.0 Ok"),
                outcome("carol@example.net", OutboundRecipient.State.PENDING, null, "451 4.4.1 try later")), null);
        OutboundRecipient carol = after.orElseThrow().pending().getFirst();
        assertThat(carol.address()).isEqualTo("carol@example.net");
        assertThat(carol.diagnostic()).isEqualTo("451 4.4.1 try later");
        assertThat(carol.status()).isEqualTo("4.4.1");
        assertThat(carol.remoteMta()).isEqualTo("mx.example.org");
        assertThat(carol.nextAttemptAt()).isEqualTo(retry.truncatedTo(ChronoUnit.MILLIS)); // the claim's
        assertThat(after.get().recipients()).filteredOn(r -> r.state() == OutboundRecipient.State.DELIVERED)
                .extracting(OutboundRecipient::address).containsExactly("bob@example.org");
        assertThatThrownBy(() -> store.recordOutboundAttempt(id, List.of(
                outcome("bob@example.org", OutboundRecipient.State.FAILED, null, "late")), null))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.INVALID)
                .hasMessageContaining("already delivered");
        assertThatThrownBy(() -> store.recordOutboundAttempt(id, List.of(
                outcome("eve@example.org", OutboundRecipient.State.FAILED, null, "who")), null))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.INVALID);

        // the delay notice goes to the sender's INBOX once, with the attempt
        Instant later = retry.plusSeconds(600);
        store.recordOutboundAttempt(id, List.of(outcome("carol@example.net", OutboundRecipient.State.PENDING, later,
                "451 4.4.1 still")), new OutboundNotice(OutboundNotice.Kind.DELAY, MessageContent.of(mail("delayed"))));
        OutboundEntry noticed = store.outbound(id).orElseThrow();
        assertThat(noticed.delayNoticeSent()).isTrue();
        assertThat(noticed.pending().getFirst().nextAttemptAt()).isEqualTo(later.truncatedTo(ChronoUnit.MILLIS));
        assertThat(store.dueOutbound(retry, 10)).isEmpty();
        assertThat(store.dueOutbound(later, 10)).extracting(OutboundEntry::id).containsExactly(id);

        store.claimOutbound(id, later, later.plusSeconds(600)).orElseThrow();
        byte[] dsn = mail("Undelivered Mail Returned to Sender");
        assertThat(store.recordOutboundAttempt(id, List.of(outcome("carol@example.net", OutboundRecipient.State.FAILED,
                null, "550 5.1.1 no such user")), new OutboundNotice(OutboundNotice.Kind.FAILURE,
                MessageContent.of(dsn)))).isEmpty();
        assertThat(store.outbound(id)).isEmpty();
        assertThat(store.dueOutbound(later.plus(Duration.ofDays(30)), 10)).isEmpty();
        assertThat(store.messages(inbox(ALICE).id())).extracting(m -> read(store, m.blobHash()))
                .containsExactly(mail("delayed"), dsn);
        assertThatThrownBy(() -> store.recordOutboundAttempt(id, List.of(), null))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.NOT_FOUND);
        assertThat(store.claimOutbound(id, later.plus(Duration.ofDays(30)), LATER)).isEmpty();
        assertThat(store.changesSince(0, 1000)).extracting(ChangeRecord::kind)
                .contains("outbound.claim", "outbound.attempt", "outbound.done");
        assertThat(store.verify().problems()).isEmpty();
    }

    @Test
    void aQueuedBodyStaysUntilTheEntryLeavesAndIsScrubbedLikeMessages() throws Exception {
        long id = submit("only queued", false, "bob@example.org");
        String hash = store.outbound(id).orElseThrow().blobHash();
        store.purgeExpunged(Instant.now().plus(Duration.ofDays(365)));
        assertThat(store.hasBody(hash)).isTrue(); // no message row names it: the queue keeps it
        assertThat(read(store, hash)).isEqualTo(mail("only queued"));

        Path file = dir.resolve("slot/blobs").resolve(hash.substring(0, 2)).resolve(hash.substring(2, 4)).resolve(hash);
        byte[] good = Files.readAllBytes(file);
        Files.delete(file);
        assertThat(store.checkBodies().damaged()).containsExactly(
                new DamagedBody(hash, good.length, DamagedBody.Kind.MISSING));
        assertThat(store.verify().problems()).anyMatch(p -> p.contains("outbound queue entry " + id));
        store.receiveBody(hash, new java.io.ByteArrayInputStream(good));
        assertThat(store.checkBodies().damaged()).isEmpty();

        store.claimOutbound(id, Instant.now(), Instant.now().plusSeconds(60));
        store.recordOutboundAttempt(id, List.of(outcome("bob@example.org", OutboundRecipient.State.DELIVERED, null,
                "250 ok")), null);
        store.purgeExpunged(Instant.now());
        assertThat(store.hasBody(hash)).isFalse();
        assertThat(store.verify().problems()).isEmpty();
    }

    @Test
    void theQueueSurvivesARestartAndGoesWithADeletedAccount() {
        long id = submit("kept", true, "bob@example.org");
        OutboundEntry e = store.outbound(id).orElseThrow();
        reopen();
        assertThat(store.outbound(id)).contains(e);
        assertThat(submit("next", false, "bob@example.org")).isGreaterThan(id);
        store.deleteAccount(ALICE);
        assertThat(store.dueOutbound(Instant.now(), 10)).isEmpty();
        assertThat(store.outbound(id)).isEmpty();
        assertThat(store.verify().problems()).isEmpty();
    }

    static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
