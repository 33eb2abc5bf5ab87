package org.mailslot.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailslot.directory.Fixtures.populated;
import static org.mailslot.directory.Fixtures.pw;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Many writers at once: every write lands, slots stay even, no SQLITE_BUSY or serialization error leaks. */
class ConcurrencyTest {

    static final int THREADS = 8;
    static final int ACCOUNTS_PER_THREAD = 6;

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void addsAccountsFromManyThreads(Backend backend) throws Exception {
        try (Directory d = populated(backend.open());
             var pool = Executors.newFixedThreadPool(THREADS)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < ACCOUNTS_PER_THREAD; i++) {
                        String address = "t" + thread + "u" + i + "@example.test";
                        d.addAccount(address, pw("secret"), 0);
                        assertThat(d.authenticate(address, pw("secret"))).isPresent();
                        assertThat(d.resolveRecipient(address)).hasSize(1);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(); // rethrows whatever a writer hit
            }
            int total = THREADS * ACCOUNTS_PER_THREAD;
            assertThat(d.listAccounts(null)).hasSize(total);
            assertThat(d.accountsPerSlot().values()).allSatisfy(n -> assertThat(n).isEqualTo(total / 4));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void twoDirectoriesOnOneDatabaseShareTheWork(Backend backend) throws Exception {
        DirectorySettings settings = backend.settings();
        try (Directory a = populated(Directory.open(settings));
             Directory b = Directory.open(settings);
             var pool = Executors.newFixedThreadPool(2)) {
            Future<?> fa = pool.submit(() -> {
                for (int i = 0; i < 10; i++) {
                    a.addAccount("a" + i + "@example.test", pw("secret"), 0);
                }
                return null;
            });
            Future<?> fb = pool.submit(() -> {
                for (int i = 0; i < 10; i++) {
                    b.addAccount("b" + i + "@example.test", pw("secret"), 0);
                }
                return null;
            });
            fa.get();
            fb.get();
            assertThat(a.listAccounts(null)).hasSize(20);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void worksWithAPoolOfOneConnection(Backend backend) {
        DirectorySettings cheap = backend.settings();
        DirectorySettings one = new DirectorySettings(cheap.jdbcUrl(), cheap.user(), cheap.password(), 1,
                cheap.argon2MemoryKib(), cheap.argon2Iterations(), cheap.argon2Parallelism(), "+");
        try (Directory d = populated(Directory.open(one))) {
            d.importAccount("bob@example.test", "{SHA512-CRYPT}" + PasswordImportTest.SHA512_CRYPT, 0);
            assertThat(d.authenticate("bob@example.test", pw("secret"))).isPresent(); // read, then rehash write
            assertThat(d.resolveRecipient("bob+x@example.test")).hasSize(1);
        }
    }
}
