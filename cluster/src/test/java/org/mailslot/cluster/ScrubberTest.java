package org.mailslot.cluster;

import org.mailslot.core.testing.TestClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Directory;
import org.mailslot.directory.DirectorySettings;
import org.mailslot.directory.SlotEvent;
import org.mailslot.store.AppendResult;
import org.mailslot.store.MessageContent;
import org.mailslot.store.SlotStore;
import org.mailslot.store.SlotStores;
import org.mailslot.store.StoreSettings;

/**
 * The master node's scrubs (DESIGN.md section 5, invariant 5) with two nodes in one JVM: an operator's request through
 * the directory is carried out in the background, recorded as a "scrub" event that clears it, and counted; a damaged
 * replica body is mended; copies whose rows differ get the replica resynced; a slot is also scrubbed when its interval
 * has passed.
 */
class ScrubberTest {
    private static final long ALICE = 1001;
    private static final Instant DATE = Instant.parse("2024-05-01T10:15:30Z");

    @TempDir
    Path dir;
    Directory directory;
    SlotStores storesA;
    SlotStores storesB;
    SlotRoles rolesA;
    SlotRoles rolesB;
    Scrubber scrubber;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final TestClock clock = new TestClock();
    int slot;
    SlotStore onA;
    SlotStore onB;
    AppendResult first;

    @BeforeEach
    void start() {
        directory = Directory.open(DirectorySettings.defaults("jdbc:sqlite:" + dir.resolve("directory.db")));
        directory.registerNode("a", "127.0.0.11");
        directory.registerNode("b", "127.0.0.12");
        directory.initCluster(1, Placement::extend);
        storesA = SlotStores.open(dir.resolve("a"), StoreSettings.defaults());
        storesB = SlotStores.open(dir.resolve("b"), StoreSettings.defaults());
        SlotRoles[] b = new SlotRoles[1];
        SlotRoles.Links toB = (to, id, epoch) -> SlotRolesTest.link(b[0], id, epoch);
        rolesA = new SlotRoles("a", directory, storesA, toB, Duration.ofSeconds(10), Duration.ofMillis(20));
        rolesB = new SlotRoles("b", directory, storesB, (to, id, epoch) -> {
            throw new java.io.IOException("b ships nothing in these tests");
        }, Duration.ofSeconds(10), Duration.ofMillis(20));
        b[0] = rolesB;
        rolesA.refresh();
        rolesB.refresh();
        scrubber = new Scrubber(directory, rolesA, storesA, toB, meters, Duration.ofHours(24), clock);
        slot = directory.listSlots().stream().filter(s -> s.masterNode().equals("a")).findFirst().orElseThrow().id();
        onA = storesA.slot(slot);
        onB = storesB.slot(slot);
        onA.createAccount(ALICE);
        first = onA.append(ALICE, "INBOX", mail("first"), Set.of(), DATE, 0);
        onA.append(ALICE, "Archive", mail("second"), Set.of("\\Seen"), DATE, 0);
    }

    @AfterEach
    void stop() {
        scrubber.close();
        rolesA.close();
        rolesB.close();
        storesA.close();
        storesB.close();
        directory.close();
    }

    static MessageContent mail(String subject) {
        return MessageContent.of(("Subject: " + subject + "\r\n\r\nbody of " + subject + "\r\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    /** Asks for a scrub of the slot, lets the node act on it, and returns the event that answered it. */
    SlotEvent scrubAsked() {
        directory.requestScrub(slot);
        scrubber.tick();
        await().atMost(Duration.ofSeconds(10)).until(() -> directory.pendingScrubs().isEmpty());
        return directory.listSlotEvents(slot).reversed().stream().filter(e -> e.kind().equals("scrub")).findFirst()
                .orElseThrow();
    }

    double count(String name, String... tags) {
        var counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aRequestedScrubIsRecordedClearedAndCounted() {
        SlotEvent event = scrubAsked();
        assertThat(event.kind()).isEqualTo("scrub");
        assertThat(event.detail()).startsWith("clean: 6 mailboxes compared, 2 bodies checked on the master and 2 on"
                + " replica b");
        assertThat(count("mailslot.scrub.runs", "result", "clean")).isEqualTo(1);
        assertThat(directory.listSlotEvents(slot)).filteredOn(e -> e.kind().equals("scrub")).hasSize(1);

        // the slots b masters are not a's to scrub: nothing is queued for them, and a's slot is not due again
        int other = directory.listSlots().stream().filter(s -> s.masterNode().equals("b")).findFirst().orElseThrow()
                .id();
        directory.requestScrub(other);
        scrubber.tick();
        assertThat(directory.pendingScrubs()).extracting(r -> r.slot()).containsExactly(other);
        assertThat(count("mailslot.scrub.runs", "result", "clean")).isEqualTo(1);
    }

    @Test
    void aCorruptedReplicaBodyIsMendedAndCounted() throws Exception {
        String hash = onA.message(onA.mailbox(ALICE, "INBOX").orElseThrow().id(), first.uid()).orElseThrow()
                .blobHash();
        Path file = dir.resolve("b/slots/" + slot + "/blobs/" + hash.substring(0, 2) + "/" + hash.substring(2, 4))
                .resolve(hash);
        byte[] bytes = Files.readAllBytes(file);
        bytes[0] ^= 0x20;
        Files.write(file, bytes);

        SlotEvent event = scrubAsked();
        assertThat(event.detail()).startsWith("1 finding, 1 repaired")
                .contains("body " + hash + " corrupted on the replica: repaired from the master's copy");
        assertThat(count("mailslot.scrub.runs", "result", "found")).isEqualTo(1);
        assertThat(count("mailslot.scrub.findings", "kind", "body-corrupted")).isEqualTo(1);
        assertThat(count("mailslot.scrub.repairs", "side", "replica")).isEqualTo(1);
        assertThat(onB.verify().problems()).isEmpty();
    }

    @Test
    void copiesThatDivergedGetTheReplicaResyncedFromTheMaster() throws Exception {
        long inbox = onB.mailbox(ALICE, "INBOX").orElseThrow().id();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("b/slots/" + slot + "/slot.db"));
             PreparedStatement st = c.prepareStatement("UPDATE message SET flags = '\\Deleted' WHERE mailbox_id = ?"
                     + " AND uid = ?")) {
            st.setLong(1, inbox);
            st.setLong(2, first.uid());
            assertThat(st.executeUpdate()).isEqualTo(1);
        }
        SlotEvent event = scrubAsked();
        assertThat(event.detail()).startsWith("1 finding, 0 repaired")
                .contains("mailbox " + inbox + " (account " + ALICE + ", INBOX) differs")
                .endsWith("; replica b recorded out of sync: a full resync from the master follows");
        assertThat(count("mailslot.scrub.findings", "kind", "mailbox-differs")).isEqualTo(1);
        assertThat(directory.listSlotEvents(slot)).extracting(SlotEvent::kind).contains("replica-out-of-sync");

        await().atMost(Duration.ofSeconds(10)).until(() -> directory.slot(slot).orElseThrow().inSync());
        assertThat(onB.copyDigest()).isEqualTo(onA.copyDigest());
        assertThat(scrubAsked().detail()).startsWith("clean");
    }

    @Test
    void aSlotIsScrubbedAgainWhenItsIntervalHasPassed() {
        scrubber.tick(); // first sight: never scrubbed, so the first comes one interval from now
        assertThat(count("mailslot.scrub.runs", "result", "clean")).isZero();
        clock.now = clock.now.plus(Duration.ofHours(24));
        scrubber.tick();
        await().atMost(Duration.ofSeconds(10)).until(() -> directory.listSlotEvents(slot).stream()
                .anyMatch(e -> e.kind().equals("scrub")));
        assertThat(count("mailslot.scrub.runs", "result", "clean")).isEqualTo(1);
        scrubber.tick(); // just scrubbed: not due
        clock.now = clock.now.plus(Duration.ofHours(23));
        scrubber.tick();
        assertThat(count("mailslot.scrub.runs", "result", "clean")).isEqualTo(1);
        assertThat(directory.pendingScrubs()).isEmpty();
    }
}
