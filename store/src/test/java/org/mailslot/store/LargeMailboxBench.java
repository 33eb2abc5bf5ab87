package org.mailslot.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * Not a test (no *Test name: surefire skips it). SELECT data and SEARCH BODY on one large mailbox:
 * <pre>
 * mvn -o -Dmailslot.build=target-x -pl store test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp store/target-x/test-classes:store/target-x/classes:$(cat /tmp/cp.txt) \
 *      -Dmessages=100000 org.mailslot.store.LargeMailboxBench [slotDir]
 * </pre>
 * Prints timings; asserts nothing. Reuses {@code slotDir} when it already holds the messages.
 */
public final class LargeMailboxBench {
    private static final long ACCOUNT = 1;
    private static final int BATCH = 500;

    private LargeMailboxBench() {}

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("messages", 100_000);
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("mailslot-bench");
        String[] words = vocabulary(3000, new Random(42));
        long t0 = System.nanoTime();
        long box;
        try (SlotStore store = SlotStore.open(dir, 1, StoreSettings.defaults())) {
            store.createAccount(ACCOUNT);
            box = store.mailbox(ACCOUNT, "INBOX").orElseThrow().id();
            int have = store.status(box).messages();
            Random rnd = new Random(7);
            for (int i = have; i < n; i += BATCH) {
                List<AppendRequest> batch = new ArrayList<>();
                for (int k = i; k < Math.min(n, i + BATCH); k++) {
                    batch.add(new AppendRequest(MessageContent.of(message(k, words, rnd)),
                            k % 3 == 0 ? Set.of("\\Seen") : Set.of(), Instant.now()));
                }
                store.appendAll(ACCOUNT, "INBOX", batch, 0);
            }
            System.out.printf("load: %d messages in %d ms (%d already there)%n", n - have, ms(t0), have);
            t0 = System.nanoTime();
            store.searchText(box, "x", TextField.BODY); // waits for the index to catch up
            System.out.printf("index caught up %d ms after the last append%n", ms(t0));
        }
        try (SlotStore store = SlotStore.open(dir, 1, StoreSettings.defaults())) {
            time("open + first search (index already committed)", 1, () -> store.searchText(box, "x", TextField.BODY).size());
            Callable<Integer> select = () -> store.status(box).messages() + iterate(store.flagsAndUids(box))
                    + (int) store.firstUnseenUid(box);
            time("SELECT first in this process (full read)", 1, select);
            time("SELECT again, nothing changed (cached)", 5, select);
            Random rnd = new Random(1);
            long[] incremental = new long[7];
            for (int i = 0; i < incremental.length; i++) {
                long uid = store.flagsAndUids(box).get(rnd.nextInt(1000)).uid();
                store.storeFlags(box, List.of(uid), FlagOp.ADD, Set.of("\\Flagged"));
                store.append(ACCOUNT, "INBOX", MessageContent.of(message(n + i, words, rnd)), Set.of(), Instant.now(), 0);
                long t = System.nanoTime();
                select.call();
                incremental[i] = System.nanoTime() - t;
            }
            Arrays.sort(incremental);
            System.out.printf("%-52s median %7.1f ms  min %7.1f ms%n", "SELECT after a flag change + a delivery",
                    incremental[incremental.length / 2] / 1e6, incremental[0] / 1e6);
            for (int round = 0; round < 2; round++) {
                String tag = round == 0 ? " (cold)" : " (warm)";
                time("status only" + tag, 5, () -> store.status(box).messages());
                time("messages() with IMAP strings" + tag, 3, () -> store.messages(box).size());
                time("changedSince(highest - 100)" + tag, 5,
                        () -> store.changedSince(box, store.status(box).mailbox().highestModSeq() - 100).size());
            }
            String unique = "uniq" + (n / 2) + "tok";
            for (String needle : List.of(unique, words[5], words[5] + " " + words[6], "ab", "e", "zzzq not there",
                    "the quick brown", words[100].substring(1, 4))) {
                time("SEARCH BODY \"" + needle + "\"", 5, () -> store.searchText(box, needle, TextField.BODY).size());
            }
            time("SEARCH TEXT \"" + unique + "\"", 5, () -> store.searchText(box, unique, TextField.TEXT).size());
            long r = System.nanoTime();
            store.rebuildSearchIndex();
            System.out.printf("rebuildSearchIndex: %d ms%n", ms(r));
        }
        try (Stream<Path> files = Files.walk(dir.resolve("fts"))) {
            long bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            System.out.printf("fts index size: %.1f MiB; slot.db %.1f MiB%n", bytes / 1048576.0,
                    Files.size(dir.resolve("slot.db")) / 1048576.0);
        }
        if (args.length == 0) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static int iterate(List<MessageFlags> list) {
        int n = 0;
        for (MessageFlags f : list) {
            n += f.flags().size() >= 0 ? 1 : 0;
        }
        return n;
    }

    private static void time(String what, int runs, Callable<Integer> op) throws Exception {
        long[] t = new long[runs];
        int result = 0;
        for (int i = 0; i < runs; i++) {
            long s = System.nanoTime();
            result = op.call();
            t[i] = System.nanoTime() - s;
        }
        Arrays.sort(t);
        System.out.printf("%-52s median %7.1f ms  min %7.1f ms  (result %d)%n", what, t[runs / 2] / 1e6, t[0] / 1e6,
                result);
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static String[] vocabulary(int size, Random rnd) {
        String[] out = new String[size];
        for (int i = 0; i < size; i++) {
            StringBuilder w = new StringBuilder();
            int len = 3 + rnd.nextInt(7);
            for (int k = 0; k < len; k++) {
                w.append((char) ('a' + rnd.nextInt(26)));
            }
            out[i] = w.toString();
        }
        return out;
    }

    /** ~1 KB: headers and about 60 words drawn with a skew, so some words are common and most are rare. */
    private static byte[] message(int k, String[] words, Random rnd) {
        StringBuilder b = new StringBuilder();
        b.append("From: Sender ").append(k % 97).append(" <s").append(k % 97).append("@example.com>\r\n")
                .append("To: user@example.org\r\nSubject: ").append(words[rnd.nextInt(200)]).append(' ')
                .append(words[rnd.nextInt(words.length)]).append(" #").append(k).append("\r\n")
                .append("Message-ID: <").append(k).append("@bench>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\n");
        for (int i = 0; i < 60; i++) {
            int idx = (int) Math.min(words.length - 1, Math.abs(rnd.nextGaussian()) * words.length / 4);
            b.append(words[idx]).append(i % 12 == 11 ? "\r\n" : " ");
        }
        b.append("\r\nuniq").append(k).append("tok\r\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
