package org.mailslot.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.mailslot.store.FaultInjectingSlotStore.FaultPoint;

class FaultInjectingSlotStoreTest extends SlotStoreContract {
    @Override
    SlotStore open(Path slotDir) {
        return FaultInjectingSlotStore.open(slotDir, 8, StoreSettings.defaults());
    }

    private FaultInjectingSlotStore faulty() {
        return (FaultInjectingSlotStore) store;
    }

    private void crashDelivery(FaultPoint point) {
        store.createAccount(ALICE);
        long seq = store.lastChangeSeq();
        faulty().failOnce(point);
        assertThatThrownBy(() -> store.deliver(MessageContent.of(mail("crash")), DATE,
                List.of(new DeliveryTarget(ALICE, 0))))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.IO)
                .hasMessageContaining("injected fault at " + point);
        reopen();
        assertThat(store.messages(inbox(ALICE).id())).isEmpty();
        assertThat(inbox(ALICE).uidNext()).isEqualTo(1);
        assertThat(store.lastChangeSeq()).isEqualTo(seq);
        assertThat(store.quotaUsage(ALICE).messages()).isZero();
        VerifyReport report = store.verify();
        assertThat(report.problems()).isEmpty();
        assertThat(report.blobsChecked()).isEqualTo(1); // the orphan body, allowed
        store.purgeExpunged(Instant.now());
        assertThat(store.verify().blobsChecked()).isZero();
        // and the slot keeps working
        store.deliver(MessageContent.of(mail("crash")), DATE, List.of(new DeliveryTarget(ALICE, 0)));
        assertThat(store.messages(inbox(ALICE).id())).extracting(MessageMeta::uid).containsExactly(1L);
        assertThat(store.verify().clean()).isTrue();
    }

    @Test
    void crashAfterBlobWriteLeavesNothingVisible() {
        crashDelivery(FaultPoint.AFTER_BLOB_WRITE);
    }

    @Test
    void crashBeforeCommitLeavesNothingVisible() {
        crashDelivery(FaultPoint.BEFORE_COMMIT);
    }

    @Test
    void crashAfterCommitKeepsTheWrite() {
        store.createAccount(ALICE);
        faulty().failOnce(FaultPoint.AFTER_COMMIT);
        assertThatThrownBy(() -> append(ALICE, "INBOX", "durable"))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.IO);
        reopen();
        assertThat(store.messages(inbox(ALICE).id())).hasSize(1); // at-least-once: the sender will retry
        assertThat(store.verify().clean()).isTrue();
    }

    @Test
    void faultIsOneShotAndDisarmable() {
        store.createAccount(ALICE);
        faulty().failOnce(FaultPoint.BEFORE_COMMIT);
        faulty().disarm();
        assertThat(append(ALICE, "INBOX", "fine").uid()).isEqualTo(1);
    }

    @Test
    void aSubmissionCutBeforeCommitLeavesNeitherTheSentCopyNorTheQueueEntry() {
        store.createAccount(ALICE);
        long sent = store.mailbox(ALICE, "Sent").orElseThrow().id();
        faulty().failOnce(FaultPoint.BEFORE_COMMIT);
        assertThatThrownBy(() -> submit("cut", true, "bob@example.org"))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.IO);
        reopen();
        assertThat(store.messages(sent)).isEmpty();
        assertThat(store.dueOutbound(Instant.now(), 10)).isEmpty();
        assertThat(store.verify().problems()).isEmpty();

        faulty().failOnce(FaultPoint.AFTER_COMMIT); // durable, unanswered: both are there, the client will retry
        assertThatThrownBy(() -> submit("kept", true, "bob@example.org"))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.IO);
        reopen();
        assertThat(store.messages(sent)).hasSize(1);
        assertThat(store.dueOutbound(Instant.now(), 10)).hasSize(1);
    }
}
