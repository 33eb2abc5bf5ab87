package org.mailslot.store;

import java.nio.file.Path;

class SqliteSlotStoreTest extends SlotStoreContract {
    @Override
    SlotStore open(Path slotDir) {
        return SlotStore.open(slotDir, 7, StoreSettings.defaults());
    }
}
