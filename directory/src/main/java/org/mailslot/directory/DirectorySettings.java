package org.mailslot.directory;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to reach the directory database and how to hash passwords. Checked when built; a bad value
 * fails with a message naming its key ({@code directory.*}).
 *
 * @param jdbcUrl            {@code jdbc:sqlite:FILE} (embedded) or {@code jdbc:postgresql://...}
 * @param user               database user, null for SQLite or when the URL carries it
 * @param password           database password, may be null
 * @param poolSize           connections in the pool, 1..64 (default 4)
 * @param argon2MemoryKib    Argon2id memory per hash in KiB, 1024..4194304 (default 19456, the OWASP minimum)
 * @param argon2Iterations   Argon2id passes, 1..64 (default 2)
 * @param argon2Parallelism  Argon2id lanes, 1..16 (default 1)
 * @param recipientDelimiter characters that start a "+tag" in a local part (default "+"); empty turns it off
 * @param rehashOnLogin      replace an imported or outdated hash by a fresh Argon2id one at the next successful
 *                           login (default true); false keeps imported {SHA512-CRYPT}/{BLF-CRYPT} hashes as they are
 */
public record DirectorySettings(String jdbcUrl, String user, String password, int poolSize,
                                int argon2MemoryKib, int argon2Iterations, int argon2Parallelism,
                                String recipientDelimiter, boolean rehashOnLogin) {

    public static final int DEFAULT_POOL_SIZE = 4;
    public static final int MIN_POOL_SIZE = 1;
    public static final int MAX_POOL_SIZE = 64;
    public static final int DEFAULT_ARGON2_MEMORY_KIB = 19456;
    public static final int MIN_ARGON2_MEMORY_KIB = 1024;
    public static final int MAX_ARGON2_MEMORY_KIB = 4 * 1024 * 1024;
    public static final int DEFAULT_ARGON2_ITERATIONS = 2;
    public static final int MAX_ARGON2_ITERATIONS = 64;
    public static final int DEFAULT_ARGON2_PARALLELISM = 1;
    public static final int MAX_ARGON2_PARALLELISM = 16;
    public static final String DEFAULT_RECIPIENT_DELIMITER = "+";

    public DirectorySettings {
        Objects.requireNonNull(jdbcUrl, "directory.url");
        if (!jdbcUrl.startsWith("jdbc:sqlite:") && !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException(
                    "directory.url must start with jdbc:sqlite: or jdbc:postgresql:, was " + jdbcUrl);
        }
        check("directory.pool-size", poolSize, MIN_POOL_SIZE, MAX_POOL_SIZE);
        check("directory.argon2.memory-kib", argon2MemoryKib, MIN_ARGON2_MEMORY_KIB, MAX_ARGON2_MEMORY_KIB);
        check("directory.argon2.iterations", argon2Iterations, 1, MAX_ARGON2_ITERATIONS);
        check("directory.argon2.parallelism", argon2Parallelism, 1, MAX_ARGON2_PARALLELISM);
        if (argon2MemoryKib < 8 * argon2Parallelism) {
            throw new IllegalArgumentException("directory.argon2.memory-kib must be at least 8 KiB per lane of"
                    + " directory.argon2.parallelism");
        }
        Objects.requireNonNull(recipientDelimiter, "directory.recipient-delimiter");
        for (int i = 0; i < recipientDelimiter.length(); i++) {
            char c = recipientDelimiter.charAt(i);
            if (c == '@' || c == '.' || c == '"' || c <= ' ' || c >= 127) {
                throw new IllegalArgumentException(
                        "directory.recipient-delimiter may hold only printable ASCII other than @ . \" and space, was "
                                + recipientDelimiter);
            }
        }
    }

    /** The settings with {@code rehashOnLogin} on, its default. */
    public DirectorySettings(String jdbcUrl, String user, String password, int poolSize, int argon2MemoryKib,
                             int argon2Iterations, int argon2Parallelism, String recipientDelimiter) {
        this(jdbcUrl, user, password, poolSize, argon2MemoryKib, argon2Iterations, argon2Parallelism, recipientDelimiter, true);
    }

    /** An embedded SQLite directory in {@code file}, with the defaults. */
    public static DirectorySettings sqlite(Path file) {
        return defaults("jdbc:sqlite:" + file.toAbsolutePath());
    }

    /** The given database with the defaults, no user or password. */
    public static DirectorySettings defaults(String jdbcUrl) {
        return new DirectorySettings(jdbcUrl, null, null, DEFAULT_POOL_SIZE, DEFAULT_ARGON2_MEMORY_KIB,
                DEFAULT_ARGON2_ITERATIONS, DEFAULT_ARGON2_PARALLELISM, DEFAULT_RECIPIENT_DELIMITER);
    }

    /** Hides the password so settings can be logged. */
    @Override
    public String toString() {
        return "DirectorySettings[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password=" + (password == null ? null : "***")
                + ", poolSize=" + poolSize + ", argon2=m" + argon2MemoryKib + ",t" + argon2Iterations + ",p"
                + argon2Parallelism + ", recipientDelimiter=" + recipientDelimiter + ", rehashOnLogin=" + rehashOnLogin + "]";
    }

    boolean isSqlite() {
        return jdbcUrl.startsWith("jdbc:sqlite:");
    }

    private static void check(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", was " + value);
        }
    }
}
