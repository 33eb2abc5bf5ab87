package org.mailslot.store;

import java.time.Duration;

/**
 * Settings of the slot engine.
 *
 * @param expungeRetention how long expunged messages stay restorable before {@code purgeExpunged}
 *                         deletes them ({@code store.expunge-retention}, default 7 days, 0..3650 days)
 * @param maxBatch         most write requests one group commit takes ({@code store.max-batch},
 *                         default 256, 1..10000)
 */
public record StoreSettings(Duration expungeRetention, int maxBatch) {
    public static final Duration MAX_RETENTION = Duration.ofDays(3650);
    public static final int MAX_BATCH = 10_000;

    public StoreSettings {
        if (expungeRetention == null || expungeRetention.isNegative() || expungeRetention.compareTo(MAX_RETENTION) > 0) {
            throw new IllegalArgumentException("store.expunge-retention must be 0..3650 days, got " + expungeRetention);
        }
        if (maxBatch < 1 || maxBatch > MAX_BATCH) {
            throw new IllegalArgumentException("store.max-batch must be 1.." + MAX_BATCH + ", got " + maxBatch);
        }
    }

    public static StoreSettings defaults() {
        return new StoreSettings(Duration.ofDays(7), 256);
    }
}
