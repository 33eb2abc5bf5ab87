package org.mailslot.protocols.delivery;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Account;
import org.mailslot.directory.Directory;
import org.mailslot.directory.DirectorySettings;
import org.mailslot.protocols.ProtocolContext;
import org.mailslot.protocols.SlotUnavailableException;
import org.mailslot.protocols.delivery.MailDrop.Outcome;
import org.mailslot.protocols.delivery.MailDrop.Recipient;
import org.mailslot.protocols.delivery.MailDrop.ReplyScope;
import org.mailslot.store.MessageContent;
import org.mailslot.store.SlotStores;
import org.mailslot.store.StoreSettings;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

class IngestTest {
    Directory directory;
    SlotStores stores;
    final Set<Integer> down = ConcurrentHashMap.newKeySet();
    Ingest ingest;
    Account a;
    Account b;
    Account small;

    @BeforeEach
    void setUp(@TempDir Path dir) {
        directory = Directory.open(new DirectorySettings("jdbc:sqlite:" + dir.resolve("d.db"), null, null, 2, 1024, 1, 1, "+"));
        directory.registerNode("node1", "127.0.0.1:1");
        directory.ensureSlots("node1", 4);
        directory.addDomain("example.com");
        a = directory.addAccount("a@example.com", "pw".toCharArray(), 0);
        b = directory.addAccount("b@example.com", "pw".toCharArray(), 0);
        small = directory.addAccount("small@example.com", "pw".toCharArray(), 50);
        stores = SlotStores.open(dir, StoreSettings.defaults());
        ProtocolContext ctx = new ProtocolContext("mx.example.com", directory, account -> {
            if (down.contains(account.slotId())) {
                throw new SlotUnavailableException(account.slotId(), "test says so");
            }
            return stores.slot(account.slotId());
        }, null, Clock.systemUTC());
        ingest = new Ingest(ctx);
    }

    @AfterEach
    void tearDown() {
        stores.close();
        directory.close();
    }

    private static MessageContent message(int size) {
        return MessageContent.of(("Subject: t\r\n\r\n" + "x".repeat(size) + "\r\n").getBytes());
    }

    private int count(Account acc) {
        return stores.slot(acc.slotId()).mailbox(acc.id(), "INBOX").map(m -> stores.slot(acc.slotId()).messages(m.id()).size()).orElse(0);
    }

    @Test
    void deduplicatesAccountsAcrossRecipients() {
        List<Outcome> out = ingest.deliver("sender@example.net", List.of(new Recipient("a@example.com", List.of(a)),
                new Recipient("team@example.com", List.of(a, b))), message(10), Instant.now(), ReplyScope.PER_MESSAGE);
        assertThat(out).allMatch(o -> o instanceof Outcome.Delivered);
        assertThat(count(a)).isEqualTo(1);
        assertThat(count(b)).isEqualTo(1);
    }

    @Test
    void slotFailureIsATemporaryFailureForItsRecipientsOnly() {
        assertThat(a.slotId()).isNotEqualTo(b.slotId());
        down.add(b.slotId());
        List<Outcome> out = ingest.deliver("sender@example.net", List.of(new Recipient("a@example.com", List.of(a)),
                new Recipient("b@example.com", List.of(b))), message(10), Instant.now(), ReplyScope.PER_RECIPIENT);
        assertThat(out.get(0)).isInstanceOf(Outcome.Delivered.class);
        assertThat(out.get(1)).isInstanceOf(Outcome.TemporaryFailure.class);
        assertThat(ingest.precheck(List.of(b), 0)).isInstanceOf(Outcome.TemporaryFailure.class);
    }

    @Test
    void quotaGraceFollowsTheReplyScope() {
        List<Recipient> both = List.of(new Recipient("a@example.com", List.of(a)), new Recipient("small@example.com", List.of(small)));
        List<Outcome> lmtp = ingest.deliver("sender@example.net", both, message(200), Instant.now(), ReplyScope.PER_RECIPIENT);
        assertThat(lmtp.get(1)).isInstanceOf(Outcome.OverQuota.class);
        assertThat(count(small)).isZero();
        List<Outcome> smtp = ingest.deliver("sender@example.net", both, message(200), Instant.now(), ReplyScope.PER_MESSAGE);
        assertThat(smtp.get(1)).isEqualTo(new Outcome.Delivered(1, 1));
        assertThat(count(small)).isEqualTo(1);
        assertThat(ingest.precheck(List.of(small), 0)).isInstanceOf(Outcome.OverQuota.class);
        List<Outcome> alone = ingest.deliver("sender@example.net", List.of(both.get(1)), message(10), Instant.now(), ReplyScope.PER_MESSAGE);
        assertThat(alone.getFirst()).isInstanceOf(Outcome.OverQuota.class);
    }

    @Test
    void theMxsSpamMarkFilesIntoJunkInEverySlot() {
        assertThat(a.slotId()).isNotEqualTo(b.slotId());
        List<Recipient> both = List.of(new Recipient("a@example.com", List.of(a)), new Recipient("b@example.com", List.of(b)));
        MessageContent spam = MessageContent.of(("Received: from lmtp\r\nX-Spam-Flag: YES\r\nX-Spam-Status: Yes, tests=GTUBE\r\n"
                + "Received: from mx\r\nSubject: buy\r\n\r\nnow\r\n").getBytes());
        assertThat(ingest.deliver("s@example.net", both, spam, Instant.now(), ReplyScope.PER_MESSAGE)).allMatch(o -> o instanceof Outcome.Delivered);
        for (Account acc : List.of(a, b)) {
            var store = stores.slot(acc.slotId());
            assertThat(store.messages(store.mailbox(acc.id(), "Junk").orElseThrow().id())).hasSize(1);
            assertThat(count(acc)).isZero();
        }
        MessageContent forged = MessageContent.of("Received: from mx\r\nSubject: hi\r\nX-Spam-Flag: YES\r\n\r\nx\r\n".getBytes());
        ingest.deliver("s@example.net", both, forged, Instant.now(), ReplyScope.PER_MESSAGE);
        assertThat(count(a)).isEqualTo(1);
    }
}
