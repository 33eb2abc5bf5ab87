package org.mailslot.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlotStoresTest {
    @TempDir
    Path dataDir;

    @Test
    void opensEachSlotOnceUnderSlotsFolder() {
        try (SlotStores stores = SlotStores.open(dataDir, StoreSettings.defaults())) {
            SlotStore three = stores.slot(3);
            assertThat(stores.slot(3)).isSameAs(three);
            assertThat(three.slotId()).isEqualTo(3);
            stores.slot(1);
            assertThat(stores.openSlotIds()).containsExactly(1, 3);
            assertThat(dataDir.resolve("slots/3/slot.db")).exists();
            assertThatThrownBy(() -> stores.slot(-1))
                    .hasFieldOrPropertyWithValue("reason", StoreException.Reason.INVALID);
        }
        try (SlotStores again = SlotStores.open(dataDir, StoreSettings.defaults())) {
            assertThat(again.openSlotIds()).isEmpty();
            again.slot(3).createAccount(5); // reopens after the first instance was closed
        }
    }

    @Test
    void settingsAreBounded() {
        assertThat(StoreSettings.defaults()).isEqualTo(new StoreSettings(Duration.ofDays(7), 256));
        assertThatThrownBy(() -> new StoreSettings(Duration.ofDays(-1), 1)).hasMessageContaining("store.expunge-retention");
        assertThatThrownBy(() -> new StoreSettings(Duration.ZERO, 0)).hasMessageContaining("store.max-batch");
    }
}
