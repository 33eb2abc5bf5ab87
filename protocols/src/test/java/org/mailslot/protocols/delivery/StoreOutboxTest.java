package org.mailslot.protocols.delivery;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Account;
import org.mailslot.protocols.ProtocolContext;
import org.mailslot.protocols.SlotUnavailableException;
import org.mailslot.store.MessageContent;
import org.mailslot.store.OutboundEntry;
import org.mailslot.store.SlotStore;
import org.mailslot.store.StoreException;
import org.mailslot.store.StoreSettings;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreOutboxTest {
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    final Account alice = new Account(1001, "alice@example.com", "example.com", 3, 0, NOW);
    final AtomicInteger wakes = new AtomicInteger();
    final AtomicBoolean down = new AtomicBoolean();
    SlotStore store;
    ProtocolContext ctx;

    @BeforeEach
    void open(@TempDir Path dir) {
        store = SlotStore.open(dir.resolve("slot"), 3, StoreSettings.defaults());
        ctx = new ProtocolContext("mail.example.com", null, account -> {
            if (down.get()) {
                throw new SlotUnavailableException(account.slotId(), "test says so");
            }
            return store;
        }, null, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void close() {
        store.close();
    }

    static MessageContent message() {
        return MessageContent.of("Subject: hi\r\n\r\nhello\r\n".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void queuesInTheUsersSlotWithItsLifetimeAndWakesTheRunner() {
        Outbox outbox = new StoreOutbox(ctx, Duration.ofDays(5), true, wakes::incrementAndGet);
        Outbox.Queued q = outbox.submit(alice, "alice@example.com", List.of("bob@example.org"), message(), NOW);
        assertThat(q.slotId()).isEqualTo(3);
        assertThat(q).hasToString("3." + q.queueId());
        OutboundEntry e = store.outbound(q.queueId()).orElseThrow();
        assertThat(e.expiresAt()).isEqualTo(NOW.plus(Duration.ofDays(5)));
        assertThat(e.accountId()).isEqualTo(alice.id());
        assertThat(wakes).hasValue(1);
        assertThat(store.messages(store.mailbox(alice.id(), "Sent").orElseThrow().id())).hasSize(1);

        Outbox unsaved = new StoreOutbox(ctx, Duration.ofDays(5), false, wakes::incrementAndGet);
        unsaved.submit(alice, "alice@example.com", List.of("bob@example.org"), message(), NOW);
        assertThat(store.messages(store.mailbox(alice.id(), "Sent").orElseThrow().id())).hasSize(1);
    }

    @Test
    void failuresReachTheCallerAndNothingIsQueued() {
        Outbox outbox = new StoreOutbox(ctx, Duration.ofDays(5), true, wakes::incrementAndGet);
        Account tiny = new Account(1002, "tiny@example.com", "example.com", 3, 5, NOW);
        assertThatThrownBy(() -> outbox.submit(tiny, "tiny@example.com", List.of("bob@example.org"), message(), NOW))
                .isInstanceOfSatisfying(StoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.OVER_QUOTA));
        down.set(true);
        assertThatThrownBy(() -> outbox.submit(alice, "alice@example.com", List.of("bob@example.org"), message(), NOW))
                .isInstanceOf(SlotUnavailableException.class);
        assertThat(wakes).hasValue(0);
        assertThat(store.dueOutbound(NOW.plus(Duration.ofDays(1)), 10)).isEmpty();
    }
}
