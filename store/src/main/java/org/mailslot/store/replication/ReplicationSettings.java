package org.mailslot.store.replication;

import java.time.Duration;

/**
 * The limits and timeouts of the replication link, both sides ({@link ReplicationProtocol} says where each applies).
 * A replica tells the master its three batch and body limits after authentication, so a master with larger ones
 * still sends what the replica accepts.
 *
 * @param maxBatchRecords  change records in one CHANGES frame ({@code replication.max-batch-records}, default 1,000,
 *                         1..100,000); the master splits larger batches
 * @param maxBatchBytes    bytes of one CHANGES frame, record headers and payloads together: the largest frame a
 *                         replica reads into memory ({@code replication.max-batch-bytes}, default 256 MiB,
 *                         1 MiB..2 GiB-1). A single record larger than this cannot be replicated: the master's
 *                         {@code ship} fails naming this key
 * @param maxBodyBytes     size of one body (message or file) the replica accepts; bodies stream to disk, never to
 *                         memory ({@code replication.max-body-bytes}, default 4 GiB, 1 MiB..1 TiB)
 * @param handshakeTimeout the whole of TLS, HELLO, AUTH and OPEN on the replica, from accept to POS; a peer slower
 *                         than that is closed ({@code replication.handshake-timeout}, default 10 s, 1 s..5 min)
 * @param idleTimeout      how long the replica waits for the next frame, or the next bytes of one, on an open link
 *                         ({@code replication.idle-timeout}, default 1 h, 10 s..7 d). A master whose slot can be quiet
 *                         longer ships an empty list now and then: that is a round trip
 * @param maxConnections   links open at once on the replica's listener, authenticated or not
 *                         ({@code replication.max-connections}, default 512, 1..100,000)
 * @param connectTimeout   how long the master waits for the TCP connection ({@code replication.connect-timeout},
 *                         default 5 s, 100 ms..5 min)
 * @param replyTimeout     how long the master waits for any one answer of the replica (CHALLENGE, AUTH_OK, POS,
 *                         HAVE/SEND, STORED, ACK), and how long one of its writes may stay blocked on a replica
 *                         that does not read; a write that waits for its replica fails after about this long
 *                         ({@code replication.reply-timeout}, default 10 s, 100 ms..10 min)
 */
public record ReplicationSettings(int maxBatchRecords, int maxBatchBytes, long maxBodyBytes, Duration handshakeTimeout,
                                  Duration idleTimeout, int maxConnections, Duration connectTimeout,
                                  Duration replyTimeout) {
    public static final int MAX_BATCH_RECORDS = 100_000;
    public static final int MIN_BATCH_BYTES = 1 << 20;
    public static final long MIN_BODY_BYTES = 1L << 20;
    public static final long MAX_BODY_BYTES = 1L << 40;

    public ReplicationSettings {
        range("replication.max-batch-records", maxBatchRecords, 1, MAX_BATCH_RECORDS);
        range("replication.max-batch-bytes", maxBatchBytes, MIN_BATCH_BYTES, Integer.MAX_VALUE);
        range("replication.max-body-bytes", maxBodyBytes, MIN_BODY_BYTES, MAX_BODY_BYTES);
        duration("replication.handshake-timeout", handshakeTimeout, Duration.ofSeconds(1), Duration.ofMinutes(5));
        duration("replication.idle-timeout", idleTimeout, Duration.ofSeconds(10), Duration.ofDays(7));
        range("replication.max-connections", maxConnections, 1, 100_000);
        duration("replication.connect-timeout", connectTimeout, Duration.ofMillis(100), Duration.ofMinutes(5));
        duration("replication.reply-timeout", replyTimeout, Duration.ofMillis(100), Duration.ofMinutes(10));
    }

    public static ReplicationSettings defaults() {
        return new ReplicationSettings(1_000, 256 << 20, 4L << 30, Duration.ofSeconds(10), Duration.ofHours(1), 512,
                Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    public ReplicationSettings withReplyTimeout(Duration timeout) {
        return new ReplicationSettings(maxBatchRecords, maxBatchBytes, maxBodyBytes, handshakeTimeout, idleTimeout,
                maxConnections, connectTimeout, timeout);
    }

    public ReplicationSettings withHandshakeTimeout(Duration timeout) {
        return new ReplicationSettings(maxBatchRecords, maxBatchBytes, maxBodyBytes, timeout, idleTimeout,
                maxConnections, connectTimeout, replyTimeout);
    }

    public ReplicationSettings withBatchLimits(int records, int bytes) {
        return new ReplicationSettings(records, bytes, maxBodyBytes, handshakeTimeout, idleTimeout, maxConnections,
                connectTimeout, replyTimeout);
    }

    public ReplicationSettings withMaxBodyBytes(long bytes) {
        return new ReplicationSettings(maxBatchRecords, maxBatchBytes, bytes, handshakeTimeout, idleTimeout,
                maxConnections, connectTimeout, replyTimeout);
    }

    private static void range(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be " + min + ".." + max + ", got " + value);
        }
    }

    private static void duration(String key, Duration d, Duration min, Duration max) {
        if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(key + " must be " + min + ".." + max + ", got " + d);
        }
    }
}
