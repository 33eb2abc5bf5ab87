package org.mailslot.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailslot.directory.DirectoryException.Reason.INVALID;
import static org.mailslot.directory.DirectoryException.Reason.NOT_FOUND;
import static org.mailslot.directory.Fixtures.fails;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Copy positions the nodes report, and slot events. */
class ReplicationStateTest {

    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");

    private static Directory open(Backend backend) {
        Directory d = Directory.open(backend.settings(), Clock.fixed(NOW, ZoneOffset.UTC));
        d.registerNode("store1", "10.0.0.1");
        d.registerNode("store2", "10.0.0.2");
        d.ensureSlots("store1", 2);
        return d;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void copiesReportTheirPositions(Backend backend) {
        try (Directory d = open(backend)) {
            assertThat(d.listCopies()).isEmpty();
            d.reportCopy(1, "store1", 120, 0);
            d.reportCopy(1, "store2", 100, 40);
            d.reportCopy(2, "store1", 7, 0);
            assertThat(d.reportCopy(1, "store2", 118, 3)).isEqualTo(new CopyPosition(1, "store2", 118, 3, NOW));
            assertThat(d.listCopies()).containsExactly(new CopyPosition(1, "store1", 120, 0, NOW),
                    new CopyPosition(1, "store2", 118, 3, NOW), new CopyPosition(2, "store1", 7, 0, NOW));

            fails(NOT_FOUND, "slot 9", () -> d.reportCopy(9, "store1", 1, 0));
            fails(NOT_FOUND, "node store9", () -> d.reportCopy(1, "store9", 1, 0));
            fails(INVALID, "negative", () -> d.reportCopy(1, "store1", -1, 0));
            fails(INVALID, "negative", () -> d.reportCopy(1, "store1", 1, -5));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void slotsKeepTheirHistory(Backend backend) {
        try (Directory d = open(backend)) {
            assertThat(d.listSlotEvents(1)).isEmpty();
            SlotEvent failover = d.recordSlotEvent(1, "failover", "store1 missed heartbeats; store2 promoted at epoch 2");
            SlotEvent forced = d.recordSlotEvent(1, "forced-promotion", "changes 101..118 may be lost");
            d.recordSlotEvent(2, "switchover", null);
            assertThat(forced.id()).isGreaterThan(failover.id());
            assertThat(d.listSlotEvents(1)).containsExactly(failover, forced);
            assertThat(failover).isEqualTo(new SlotEvent(failover.id(), 1, NOW, "failover",
                    "store1 missed heartbeats; store2 promoted at epoch 2"));
            assertThat(d.listSlotEvents(2)).singleElement().extracting(SlotEvent::detail).isNull();

            fails(NOT_FOUND, "slot 9", () -> d.recordSlotEvent(9, "failover", null));
            fails(NOT_FOUND, "slot 9", () -> d.listSlotEvents(9));
            fails(INVALID, "lower-case word", () -> d.recordSlotEvent(1, "Fail Over", null));
            fails(INVALID, "longer than", () -> d.recordSlotEvent(1, "failover", "x".repeat(SlotEvents.MAX_DETAIL_CHARS + 1)));
        }
    }
}
