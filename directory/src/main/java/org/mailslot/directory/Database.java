package org.mailslot.directory;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection pool and transaction discipline of the directory database.
 *
 * <p>Writes are serialized: on SQLite by an in-process lock plus {@code BEGIN IMMEDIATE} (so a write
 * never fails half-way with SQLITE_BUSY, and another process only makes us wait up to the busy timeout);
 * on PostgreSQL by a transaction-scoped advisory lock, so checks like "no alias loop" or "fewest
 * accounts in this slot" stay true until commit without serializable-retry loops. Directory writes are
 * rare admin actions, so one writer at a time costs nothing that matters. Reads run in auto-commit.
 */
final class Database implements AutoCloseable {

    enum Dialect { SQLITE, POSTGRESQL }

    /** How long SQLite waits for another process's write lock before giving up. */
    static final int SQLITE_BUSY_TIMEOUT_MILLIS = 10_000;
    /** How long a caller waits for a pooled connection. */
    static final long CONNECTION_TIMEOUT_MILLIS = 10_000;
    /** Key of the PostgreSQL advisory lock that serializes directory writes ("mailslot" in ASCII, roughly). */
    static final long WRITE_LOCK_KEY = 0x6d61696c736c6f74L;
    private static final int FLYWAY_CONNECTIONS = 2;

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final HikariDataSource pool;
    private final Dialect dialect;
    private final ReentrantLock sqliteWriter = new ReentrantLock();

    private Database(HikariDataSource pool, Dialect dialect) {
        this.pool = pool;
        this.dialect = dialect;
    }

    static Database open(DirectorySettings settings) {
        Dialect dialect = settings.isSqlite() ? Dialect.SQLITE : Dialect.POSTGRESQL;
        if (dialect == Dialect.SQLITE) {
            prepareSqliteFile(settings.jdbcUrl());
        }
        // Flyway holds two connections at once (lock + migration), so it gets its own short-lived pool
        // and a pool of one still works.
        try (HikariDataSource migrations = connect(settings, dialect, "directory-migrate", FLYWAY_CONNECTIONS)) {
            migrate(migrations, dialect);
        }
        return new Database(connect(settings, dialect, "directory", settings.poolSize()), dialect);
    }

    private static HikariDataSource connect(DirectorySettings settings, Dialect dialect, String name, int size) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(size);
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        if (dialect == Dialect.SQLITE) {
            config.addDataSourceProperty("journal_mode", "WAL");
            config.addDataSourceProperty("synchronous", "FULL");
            config.addDataSourceProperty("foreign_keys", "true");
            config.addDataSourceProperty("busy_timeout", String.valueOf(SQLITE_BUSY_TIMEOUT_MILLIS));
            config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        }
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new DirectoryException(DirectoryException.Reason.UNAVAILABLE,
                    "cannot connect to the directory database at " + settings.jdbcUrl() + ": " + rootMessage(e), e);
        }
    }

    Dialect dialect() {
        return dialect;
    }

    private static void migrate(HikariDataSource dataSource, Dialect dialect) {
        String folder = dialect == Dialect.SQLITE ? "sqlite" : "postgresql";
        try {
            var result = Flyway.configure(Database.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations("classpath:db/migration/" + folder)
                    .validateMigrationNaming(true)
                    .load()
                    .migrate();
            if (result.migrationsExecuted > 0) {
                log.info("directory schema migrated to version {} ({} migrations)", result.targetSchemaVersion,
                        result.migrationsExecuted);
            }
        } catch (FlywayException e) {
            throw new DirectoryException(DirectoryException.Reason.UNAVAILABLE,
                    "cannot migrate the directory schema: " + rootMessage(e), e);
        }
    }

    /** Runs {@code work} on an auto-commit connection. */
    <T> T read(Work<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** Runs {@code work} in one transaction, alone among writers; commits unless it throws. */
    <T> T write(Work<T> work) {
        boolean sqlite = dialect == Dialect.SQLITE;
        if (sqlite) {
            sqliteWriter.lock();
        }
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (!sqlite) {
                    try (var st = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                        st.setLong(1, WRITE_LOCK_KEY);
                        st.execute();
                    }
                }
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw unavailable(e);
        } finally {
            if (sqlite) {
                sqliteWriter.unlock();
            }
        }
    }

    /** True when {@code e} is a primary-key or unique-constraint violation. */
    static boolean isUniqueViolation(SQLException e) {
        if ("23505".equals(e.getSQLState())) {
            return true; // PostgreSQL unique_violation
        }
        // sqlite-jdbc: SQLITE_CONSTRAINT_UNIQUE (2067) / SQLITE_CONSTRAINT_PRIMARYKEY (1555)
        return e.getErrorCode() == 2067 || e.getErrorCode() == 1555
                || e.getMessage() != null && e.getMessage().contains("SQLITE_CONSTRAINT_UNIQUE")
                || e.getMessage() != null && e.getMessage().contains("SQLITE_CONSTRAINT_PRIMARYKEY");
    }

    @Override
    public void close() {
        pool.close();
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static DirectoryException unavailable(SQLException e) {
        String what = e instanceof SQLTransientConnectionException
                ? "no directory database connection is free: " : "directory database error: ";
        log.warn("directory database error", e);
        return new DirectoryException(DirectoryException.Reason.UNAVAILABLE, what + e.getMessage(), e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /**
     * Creates the folder and, owner-only, the file of an SQLite database: it holds password hashes. SQLite
     * gives its -wal and -shm files the same permissions.
     */
    private static void prepareSqliteFile(String jdbcUrl) {
        String rest = jdbcUrl.substring("jdbc:sqlite:".length());
        if (rest.isEmpty() || rest.startsWith(":") || rest.startsWith("file:")) {
            return; // in-memory or URI form: nothing to create
        }
        int query = rest.indexOf('?');
        Path file = Path.of(query < 0 ? rest : rest.substring(0, query)).toAbsolutePath();
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            if (Files.notExists(file) && file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
        } catch (FileAlreadyExistsException e) {
            // another process created it first: fine
        } catch (IOException e) {
            throw new DirectoryException(DirectoryException.Reason.UNAVAILABLE,
                    "cannot create the directory database file " + file + ": " + e.getMessage(), e);
        }
    }
}
