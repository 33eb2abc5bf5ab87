package org.mailslot.directory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A database for one test: a fresh SQLite file, or a fresh PostgreSQL schema ({@code currentSchema=t_...})
 * created first and dropped when JUnit closes this argument. PostgreSQL comes from
 * {@code MAILSLOT_TEST_POSTGRES_URL} / {@code _USER} (default jdbc:postgresql://127.0.0.1:5432/test, postgres);
 * when it is unreachable the test fails, unless {@code MAILSLOT_SKIP_POSTGRES=1}, which skips it.
 */
sealed interface Backend extends AutoCloseable {

    /** Cheap Argon2 so that suites stay fast; the defaults are tested on their own. */
    int TEST_ARGON2_MEMORY_KIB = 1024;

    /** Settings for a new, empty database. */
    DirectorySettings settings();

    default Directory open() {
        return Directory.open(settings());
    }

    @Override
    void close();

    /** Both backends, for {@code @MethodSource}. */
    static Stream<Backend> all() {
        return Stream.of(new Sqlite(), new Postgres());
    }

    static DirectorySettings cheap(String url, String user) {
        return new DirectorySettings(url, user, null, 4, TEST_ARGON2_MEMORY_KIB, 1, 1, "+");
    }

    final class Sqlite implements Backend {
        private Path folder;

        @Override
        public DirectorySettings settings() {
            try {
                if (folder == null) {
                    folder = Files.createTempDirectory("directory-test");
                }
                return cheap("jdbc:sqlite:" + folder.resolve("directory-" + suffix() + ".db"), null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            if (folder == null) {
                return;
            }
            try (Stream<Path> files = Files.list(folder)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
                Files.deleteIfExists(folder);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String toString() {
            return "sqlite";
        }
    }

    final class Postgres implements Backend {
        static final String URL = env("MAILSLOT_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        static final String USER = env("MAILSLOT_TEST_POSTGRES_USER", "postgres");
        private final List<String> schemas = new ArrayList<>();

        @Override
        public DirectorySettings settings() {
            String schema = "t_" + suffix();
            try (Connection c = connect(); var st = c.createStatement()) {
                st.execute("CREATE SCHEMA " + schema);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            schemas.add(schema);
            return cheap(URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema, USER);
        }

        @Override
        public void close() {
            if (schemas.isEmpty()) {
                return;
            }
            try (Connection c = connect(); var st = c.createStatement()) {
                for (String schema : schemas) {
                    st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                }
            } catch (SQLException e) {
                throw new IllegalStateException("could not drop test schemas " + schemas, e);
            }
        }

        private static Connection connect() {
            try {
                return DriverManager.getConnection(URL, USER, null);
            } catch (SQLException e) {
                String message = "PostgreSQL for the directory tests is unreachable at " + URL + " as " + USER + " ("
                        + e.getMessage() + "). Start it, point MAILSLOT_TEST_POSTGRES_URL/_USER at one, or set"
                        + " MAILSLOT_SKIP_POSTGRES=1 to skip the PostgreSQL runs.";
                Assumptions.assumeFalse("1".equals(System.getenv("MAILSLOT_SKIP_POSTGRES")), message);
                throw new IllegalStateException(message, e);
            }
        }

        private static String env(String name, String fallback) {
            String value = System.getenv(name);
            return value == null || value.isBlank() ? fallback : value;
        }

        @Override
        public String toString() {
            return "postgresql";
        }
    }

    private static String suffix() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }
}
