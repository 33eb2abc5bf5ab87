package org.mailslot.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Directory;
import org.mailslot.directory.DirectorySettings;
import org.mailslot.directory.Slot;
import org.mailslot.store.AppendResult;
import org.mailslot.store.CopyRole;
import org.mailslot.store.MessageContent;
import org.mailslot.store.SlotStore;
import org.mailslot.store.SlotStores;
import org.mailslot.store.StoreSettings;

/**
 * A copy move (adding a node, a rebalance): the slot's replica moves to a third node while the master keeps taking
 * writes; the new copy is built from the master's log, recorded in sync only when complete, and can then take over.
 */
class MoveReplicaTest {
    private static final long ALICE = 1001;
    private static final Instant DATE = Instant.parse("2024-05-01T10:15:30Z");

    @TempDir
    Path dir;
    Directory directory;
    final Map<String, SlotStores> stores = new HashMap<>();
    final Map<String, SlotRoles> roles = new HashMap<>();

    @BeforeEach
    void start() {
        directory = Directory.open(DirectorySettings.defaults("jdbc:sqlite:" + dir.resolve("directory.db")));
        directory.registerNode("a", "127.0.0.11");
        directory.registerNode("b", "127.0.0.12");
        directory.initCluster(1, Placement::extend);
        directory.registerNode("c", "127.0.0.13"); // added later: holds nothing yet
        for (String n : List.of("a", "b", "c")) {
            stores.put(n, SlotStores.open(dir.resolve(n), StoreSettings.defaults()));
            roles.put(n, new SlotRoles(n, directory, stores.get(n),
                    (to, slot, epoch) -> SlotRolesTest.link(roles.get(to), slot, epoch),
                    Duration.ofSeconds(10), Duration.ofMillis(20)));
        }
        refreshAll();
    }

    @AfterEach
    void stop() {
        roles.values().forEach(SlotRoles::close);
        stores.values().forEach(SlotStores::close);
        directory.close();
    }

    void refreshAll() {
        for (String n : List.of("a", "b", "c")) {
            roles.get(n).refresh();
        }
    }

    static MessageContent mail(String subject) {
        return MessageContent.of(("Subject: " + subject + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theReplicaMovesToANewNodeWhileWritesContinue() {
        Slot slot = directory.listSlots().stream().filter(s -> s.masterNode().equals("a")).findFirst().orElseThrow();
        SlotStore master = stores.get("a").slot(slot.id());
        master.createAccount(ALICE);
        List<AppendResult> written = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            written.add(master.append(ALICE, "INBOX", mail("before " + i), Set.of(), DATE, 0));
        }

        Slot moved = directory.moveReplica(slot.id(), slot.epoch(), "c");
        assertThat(moved).isEqualTo(new Slot(slot.id(), "a", "c", slot.epoch(), false));
        refreshAll();
        written.add(master.append(ALICE, "INBOX", mail("during the copy"), Set.of(), DATE, 0)); // writes go on
        SlotStore onC = stores.get("c").slot(slot.id());
        await().atMost(Duration.ofSeconds(15)).until(() -> directory.slot(slot.id()).orElseThrow().inSync());
        written.add(master.append(ALICE, "INBOX", mail("after the copy"), Set.of(), DATE, 0));
        assertThat(onC.contentDigest()).isEqualTo(master.contentDigest());
        assertThat(onC.role()).isEqualTo(CopyRole.REPLICA);
        assertThat(stores.get("b").slot(slot.id()).role()).isEqualTo(CopyRole.FENCED); // b no longer holds it
        assertThat(directory.listSlotEvents(slot.id())).extracting(e -> e.kind()).contains("replica-moved",
                "replica-in-sync");

        // the new copy can take over: everything written is there
        directory.promoteReplica(slot.id(), slot.epoch(), false, false, "test");
        refreshAll();
        long inbox = onC.mailbox(ALICE, "INBOX").orElseThrow().id();
        assertThat(written).allMatch(r -> onC.message(inbox, r.uid()).isPresent());
        assertThat(onC.role()).isEqualTo(CopyRole.MASTER);
    }
}
