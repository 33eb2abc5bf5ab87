package org.mailslot.protocols.imap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Account;
import org.mailslot.store.MessageFlags;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several sessions on one mailbox do random STORE/EXPUNGE/APPEND/COPY/MOVE while deliveries arrive. Each client
 * keeps its own sequence-number map from the untagged responses only (EXISTS, EXPUNGE, FETCH UID) and checks every
 * response against it as it goes; at the end a NOOP in every session must leave every view equal to the store
 * (UIDs, flags, MODSEQ).
 */
class ImapConcurrencyTest {
    private static final Pattern EXISTS = Pattern.compile("^\\* (\\d+) EXISTS$");
    private static final Pattern EXPUNGE = Pattern.compile("^\\* (\\d+) EXPUNGE$");
    private static final Pattern FETCH = Pattern.compile("^\\* (\\d+) FETCH \\((.*)\\)$");
    private static final Pattern UID = Pattern.compile("UID (\\d+)");
    private static final Pattern FLAGS = Pattern.compile("FLAGS \\(([^)]*)\\)");
    private static final Pattern MODSEQ = Pattern.compile("MODSEQ \\((\\d+)\\)");

    @TempDir
    Path dir;

    /** What one client believes, built only from what the server told it. */
    static final class View {
        final List<Long> uids = new ArrayList<>(); // 0 = not yet known

        void apply(List<String> lines) {
            for (String l : lines) {
                Matcher m;
                if ((m = EXISTS.matcher(l)).matches()) {
                    int n = Integer.parseInt(m.group(1));
                    assertThat(n).as("EXISTS never shrinks: %s", l).isGreaterThanOrEqualTo(uids.size());
                    while (uids.size() < n) {
                        uids.add(0L);
                    }
                } else if ((m = EXPUNGE.matcher(l)).matches()) {
                    int n = Integer.parseInt(m.group(1));
                    assertThat(n).as("EXPUNGE of a known number: %s", l).isBetween(1, uids.size());
                    uids.remove(n - 1);
                } else if ((m = FETCH.matcher(l)).matches()) {
                    int n = Integer.parseInt(m.group(1));
                    assertThat(n).as("FETCH of a known number: %s", l).isBetween(1, uids.size());
                    Matcher u = UID.matcher(m.group(2));
                    if (u.find()) {
                        long uid = Long.parseLong(u.group(1));
                        long known = uids.get(n - 1);
                        assertThat(known == 0 || known == uid).as("seq %d is uid %d, not %d", n, known, uid).isTrue();
                        uids.set(n - 1, uid);
                    }
                }
            }
            for (int i = 1; i < uids.size(); i++) {
                if (uids.get(i) != 0 && uids.get(i - 1) != 0) {
                    assertThat(uids.get(i)).as("UIDs ascend").isGreaterThan(uids.get(i - 1));
                }
            }
        }
    }

    @Test
    void randomConcurrentChangesLeaveEveryViewEqualToTheStore() throws Exception {
        try (ImapTestServer server = new ImapTestServer(dir)) {
            Account alice = server.account("alice@example.com");
            for (int i = 0; i < 10; i++) {
                server.deliver(alice, ImapTestServer.message("seed " + i, "body " + i + "\r\n"));
            }
            int sessions = 4;
            List<ImapTestClient> clients = new ArrayList<>();
            List<View> views = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                ImapTestClient c = new ImapTestClient(server.port());
                c.login("alice@example.com");
                c.command("ENABLE CONDSTORE");
                View v = new View();
                v.apply(c.command("SELECT INBOX"));
                v.apply(c.command("FETCH 1:* (UID)"));
                clients.add(c);
                views.add(v);
            }
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> work = new ArrayList<>();
                for (int i = 0; i < sessions; i++) {
                    ImapTestClient c = clients.get(i);
                    View v = views.get(i);
                    Random rnd = new Random(42 + i);
                    work.add(pool.submit(() -> {
                        for (int op = 0; op < 30; op++) {
                            int n = v.uids.size();
                            int seq = n == 0 ? 0 : 1 + rnd.nextInt(n);
                            String cmd = switch (rnd.nextInt(9)) {
                                case 0 -> seq == 0 ? "NOOP" : "STORE " + seq + " +FLAGS (\\Flagged)";
                                case 1 -> seq == 0 ? "NOOP" : "STORE " + seq + " -FLAGS (\\Flagged \\Seen)";
                                case 2 -> seq == 0 ? "NOOP" : "STORE " + seq + " +FLAGS (\\Deleted)";
                                case 3 -> "EXPUNGE";
                                case 4 -> "APPEND INBOX (\\Seen) {10+}\r\nSubject: a";
                                case 5 -> seq == 0 ? "NOOP" : "COPY " + seq + " INBOX";
                                case 6 -> seq == 0 ? "NOOP" : "MOVE " + seq + " Archive";
                                case 7 -> "FETCH 1:* (UID FLAGS)";
                                default -> seq == 0 ? "NOOP" : "UID STORE " + (v.uids.get(seq - 1) == 0 ? 1 : v.uids.get(seq - 1)) + " +FLAGS (\\Answered)";
                            };
                            List<String> r = c.command(cmd);
                            assertThat(r.getLast()).as(cmd).doesNotContain(" BAD ");
                            v.apply(r);
                        }
                        return null;
                    }));
                }
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 20; i++) {
                        server.deliver(alice, ImapTestServer.message("delivery " + i, "x\r\n"));
                        Thread.sleep(5);
                    }
                    return null;
                }));
                for (Future<?> f : work) {
                    f.get();
                }
            }
            List<MessageFlags> truth = server.store(alice).flagsAndUids(server.mailboxId(alice, "INBOX"));
            for (int i = 0; i < sessions; i++) {
                ImapTestClient c = clients.get(i);
                View v = views.get(i);
                v.apply(c.command("NOOP"));
                List<String> all = c.command("FETCH 1:* (UID FLAGS MODSEQ)");
                v.apply(all);
                assertThat(v.uids).as("session %d's uids", i).containsExactlyElementsOf(truth.stream().map(MessageFlags::uid).toList());
                for (String l : all.subList(0, all.size() - 1)) {
                    Matcher m = FETCH.matcher(l);
                    assertThat(m.matches()).as(l).isTrue();
                    MessageFlags t = truth.get(Integer.parseInt(m.group(1)) - 1);
                    Matcher f = FLAGS.matcher(m.group(2));
                    f.find();
                    Set<String> flags = f.group(1).isEmpty() ? Set.of() : new HashSet<>(Arrays.asList(f.group(1).split(" ")));
                    assertThat(flags).as(l).isEqualTo(t.flags());
                    Matcher q = MODSEQ.matcher(m.group(2));
                    q.find();
                    assertThat(Long.parseLong(q.group(1))).as(l).isEqualTo(t.modSeq());
                }
                c.close();
            }
        }
    }
}
