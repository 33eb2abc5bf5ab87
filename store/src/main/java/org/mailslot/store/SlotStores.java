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
    private final FaultInjectingSlotStore.FaultPoint crashPoint;
    private volatile boolean closed;

    private SlotStores(Path slotsDir, StoreSettings settings, FaultInjectingSlotStore.FaultPoint crashPoint) {
        this.slotsDir = slotsDir;
        this.settings = settings;
        this.crashPoint = crashPoint;
    }

    public static SlotStores open(Path dataDir, StoreSettings settings) {
        return new SlotStores(slotsDir(dataDir), settings, null);
    }

    /**
     * For crash tests of the whole process: the first write of any slot that reaches {@code point} halts the
     * JVM on the spot ({@link FaultInjectingSlotStore#CRASH_EXIT_STATUS}), as a power cut would.
     */
    public static SlotStores withCrashPoint(Path dataDir, StoreSettings settings, FaultInjectingSlotStore.FaultPoint point) {
        return new SlotStores(slotsDir(dataDir), settings, point);
    }

    private static Path slotsDir(Path dataDir) {
        Path slots = dataDir.resolve("slots");
        try {
            Files.createDirectories(slots);
        } catch (IOException e) {
            throw new StoreException(StoreException.Reason.IO, "cannot create " + slots + ": " + e.getMessage(), e);
        }
        return slots;
    }

    /** The slot's store, opened (and created) on first use. */
    public SlotStore slot(int slotId) {
        if (slotId < 0) {
            throw new StoreException(StoreException.Reason.INVALID, "slot id must be >= 0, got " + slotId);
        }
        if (closed) {
            throw new StoreException(StoreException.Reason.IO, "slot stores are closed");
        }
        return open.computeIfAbsent(slotId, id -> {
            Path dir = slotsDir.resolve(Integer.toString(id));
            if (crashPoint == null) {
                return SlotStore.open(dir, id, settings);
            }
            FaultInjectingSlotStore store = FaultInjectingSlotStore.open(dir, id, settings);
            store.haltOnce(crashPoint);
            return store;
        });
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
