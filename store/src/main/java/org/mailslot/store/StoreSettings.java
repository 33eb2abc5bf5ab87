package org.mailslot.store;

import java.time.Duration;

/**
 * Settings of the slot engine.
 *
 * @param expungeRetention   how long expunged messages stay restorable before {@code purgeExpunged}
 *                           deletes them ({@code store.expunge-retention}, default 7 days, 0..3650 days)
 * @param maxBatch           most write requests one group commit takes ({@code store.max-batch},
 *                           default 256, 1..10000)
 * @param ftsRamBufferMb     RAM the slot's full-text index writer buffers before it flushes a segment
 *                           ({@code store.fts-ram-buffer-mb}, default 16, 1..1024)
 * @param ftsCommitInterval  how often the full-text index is committed to disk while it changes; what is not
 *                           committed is replayed from the change log after a crash
 *                           ({@code store.fts-commit-interval}, default 30 s, 1 s..1 h)
 * @param ftsMaxIndexedChars characters of one message's decoded text that are indexed; text beyond is still
 *                           found (such messages are checked against their body at search time), only slower
 *                           ({@code store.fts-max-indexed-chars}, default 1,000,000, 1,000..100,000,000)
 * @param ftsWaitTimeout     how long a search waits for the index to catch up with the last commit (or to be
 *                           rebuilt) before it fails ({@code store.fts-wait-timeout}, default 60 s, 1 s..1 h)
 */
public record StoreSettings(Duration expungeRetention, int maxBatch, int ftsRamBufferMb, Duration ftsCommitInterval,
                            int ftsMaxIndexedChars, Duration ftsWaitTimeout) {
    public static final Duration MAX_RETENTION = Duration.ofDays(3650);
    public static final int MAX_BATCH = 10_000;
    public static final int MAX_FTS_RAM_BUFFER_MB = 1024;
    public static final int MIN_FTS_INDEXED_CHARS = 1_000;
    public static final int MAX_FTS_INDEXED_CHARS = 100_000_000;
    public static final Duration MIN_FTS_DURATION = Duration.ofSeconds(1);
    public static final Duration MAX_FTS_DURATION = Duration.ofHours(1);

    public StoreSettings {
        if (expungeRetention == null || expungeRetention.isNegative() || expungeRetention.compareTo(MAX_RETENTION) > 0) {
            throw new IllegalArgumentException("store.expunge-retention must be 0..3650 days, got " + expungeRetention);
        }
        if (maxBatch < 1 || maxBatch > MAX_BATCH) {
            throw new IllegalArgumentException("store.max-batch must be 1.." + MAX_BATCH + ", got " + maxBatch);
        }
        if (ftsRamBufferMb < 1 || ftsRamBufferMb > MAX_FTS_RAM_BUFFER_MB) {
            throw new IllegalArgumentException("store.fts-ram-buffer-mb must be 1.." + MAX_FTS_RAM_BUFFER_MB
                    + ", got " + ftsRamBufferMb);
        }
        checkDuration("store.fts-commit-interval", ftsCommitInterval);
        if (ftsMaxIndexedChars < MIN_FTS_INDEXED_CHARS || ftsMaxIndexedChars > MAX_FTS_INDEXED_CHARS) {
            throw new IllegalArgumentException("store.fts-max-indexed-chars must be " + MIN_FTS_INDEXED_CHARS + ".."
                    + MAX_FTS_INDEXED_CHARS + ", got " + ftsMaxIndexedChars);
        }
        checkDuration("store.fts-wait-timeout", ftsWaitTimeout);
    }

    /** The engine settings with the full-text defaults. */
    public StoreSettings(Duration expungeRetention, int maxBatch) {
        this(expungeRetention, maxBatch, 16, Duration.ofSeconds(30), 1_000_000, Duration.ofSeconds(60));
    }

    private static void checkDuration(String key, Duration d) {
        if (d == null || d.compareTo(MIN_FTS_DURATION) < 0 || d.compareTo(MAX_FTS_DURATION) > 0) {
            throw new IllegalArgumentException(key + " must be 1 s..1 h, got " + d);
        }
    }

    public static StoreSettings defaults() {
        return new StoreSettings(Duration.ofDays(7), 256);
    }
}
