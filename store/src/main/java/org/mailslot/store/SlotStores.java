package org.mailslot.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** All slots of a node, under {@code <dataDir>/slots/<id>/}; each opened lazily, once. */
public final class SlotStores implements AutoCloseable {
    private final Path slotsDir;
    private final StoreSettings settings;
    private final Map<Integer, SlotStore> open = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private SlotStores(Path slotsDir, StoreSettings settings) {
        this.slotsDir = slotsDir;
        this.settings = settings;
    }

    public static SlotStores open(Path dataDir, StoreSettings settings) {
        Path slots = dataDir.resolve("slots");
        try {
            Files.createDirectories(slots);
        } catch (IOException e) {
            throw new StoreException(StoreException.Reason.IO, "cannot create " + slots + ": " + e.getMessage(), e);
        }
        return new SlotStores(slots, settings);
    }

    /** The slot's store, opened (and created) on first use. */
    public SlotStore slot(int slotId) {
        if (slotId < 0) {
            throw new StoreException(StoreException.Reason.INVALID, "slot id must be >= 0, got " + slotId);
        }
        if (closed) {
            throw new StoreException(StoreException.Reason.IO, "slot stores are closed");
        }
        return open.computeIfAbsent(slotId,
                id -> SlotStore.open(slotsDir.resolve(Integer.toString(id)), id, settings));
    }

    public List<Integer> openSlotIds() {
        return open.keySet().stream().sorted().toList();
    }

    @Override
    public void close() {
        closed = true;
        for (Integer id : List.copyOf(open.keySet())) {
            SlotStore s = open.remove(id);
            if (s != null) {
                s.close();
            }
        }
    }
}
