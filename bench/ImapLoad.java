// IMAP load generator for bench/imap-load.sh. A single-file program with no dependencies:
//
//   java bench/ImapLoad.java fill  --port P --users u1,u2 --password PW --messages N [--connections 4] [--rare-every 0]
//   java bench/ImapLoad.java load  --port P --users u1,...,uC --password PW [--warmup 10] [--duration 30]
//   java bench/ImapLoad.java probe --port P --users u --password PW [--reps 7] --word w1 --word w2
//
// fill:  APPENDs N generated messages (about 2 KiB of words each) to INBOX of every user, with MULTIAPPEND in
//        batches, over several connections. Message i of a user contains the word "quetzalcoatl" when
//        --rare-every R > 0 and i % R == 0; "xylophonist" is in no message.
// load:  one virtual thread per user (one client per account, as sessions-per-account / Dovecot's
//        mail_max_userip_connections limit concurrent sessions of one user). Each iteration is the fixed mix
//        LOGIN (incl. TCP connect and greeting), SELECT INBOX, FETCH headers of 10 messages, FETCH the body of
//        one, STORE +/-\Seen on one, UID SEARCH SUBJECT <word>, APPEND one message, STORE \Deleted on it,
//        EXPUNGE, LOGOUT: the mailbox keeps its size. One command in flight per client (no pipelining).
//        Ops in the warm-up are not recorded; then every op that ends within --duration seconds is.
//        A tagged NO or BAD, an unexpected BYE or an I/O error counts as an error and restarts the iteration.
//        Prints one JSON object: ops/s, iterations/s, errors, and per-op count, p50, p99, mean (ms).
// probe: times SELECT INBOX and UID SEARCH BODY <word> per --word, --reps times each (fresh SELECT per rep,
//        UNSELECT between), prints the first (cold) and the median, min and max of the others (ms) as JSON.
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

static final String[] WORDS = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike "
        + "november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu apple banana cherry "
        + "grape lemon mango orange peach pear plum berry melon kiwi lime olive onion pepper potato tomato carrot "
        + "garlic ginger basil mint sage thyme river mountain valley forest desert ocean island meadow canyon "
        + "glacier harbor bridge castle tower garden market school office station library museum theater stadium "
        + "report budget meeting project invoice contract schedule deadline review summary proposal agenda update "
        + "release feature module server client network storage backup archive message mailbox folder account "
        + "quickly slowly gently boldly calmly rarely often always never today tomorrow yesterday morning evening "
        + "purple yellow silver golden crimson azure violet scarlet amber ivory").split(" ");
static final String RARE = "quetzalcoatl";
static final String[] OPS = {"LOGIN", "SELECT", "FETCH_HEADERS", "FETCH_BODY", "STORE", "SEARCH", "APPEND",
        "STORE_DELETED", "EXPUNGE", "LOGOUT"};

void main(String[] args) throws Exception {
    if (args.length == 0) {
        throw new IllegalArgumentException("usage: ImapLoad fill|load|probe --port P --users a,b --password PW ...");
    }
    Map<String, List<String>> opt = options(Arrays.copyOfRange(args, 1, args.length));
    String host = one(opt, "host", "127.0.0.1");
    int port = Integer.parseInt(one(opt, "port", null));
    List<String> users = List.of(one(opt, "users", null).split(","));
    String password = one(opt, "password", null);
    switch (args[0]) {
        case "fill" -> fill(host, port, users, password, Integer.parseInt(one(opt, "messages", null)),
                Integer.parseInt(one(opt, "connections", "4")), Integer.parseInt(one(opt, "rare-every", "0")));
        case "load" -> load(host, port, users, password, Integer.parseInt(one(opt, "warmup", "10")),
                Integer.parseInt(one(opt, "duration", "30")));
        case "probe" -> probe(host, port, users.getFirst(), password, Integer.parseInt(one(opt, "reps", "7")),
                opt.getOrDefault("word", List.of(RARE)));
        default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
}

static Map<String, List<String>> options(String[] a) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (int i = 0; i < a.length; i += 2) {
        if (!a[i].startsWith("--") || i + 1 >= a.length) {
            throw new IllegalArgumentException("expected --name value at " + a[i]);
        }
        m.computeIfAbsent(a[i].substring(2), k -> new ArrayList<>()).add(a[i + 1]);
    }
    return m;
}

static String one(Map<String, List<String>> opt, String name, String dflt) {
    List<String> v = opt.get(name);
    if (v == null) {
        if (dflt == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return dflt;
    }
    return v.getLast();
}

// --- messages --------------------------------------------------------------------------------------------------

static byte[] message(String user, long n, int rareEvery) {
    Random r = new Random(n * 31 + user.hashCode());
    StringBuilder b = new StringBuilder(2300);
    b.append("From: Sender ").append(n % 97).append(" <sender").append(n % 97).append("@example.net>\r\n");
    b.append("To: ").append(user).append("\r\n");
    b.append("Subject: ").append(WORDS[r.nextInt(WORDS.length)]).append(' ').append(WORDS[r.nextInt(WORDS.length)])
            .append(" number ").append(n).append("\r\n");
    b.append("Date: ").append(String.format(Locale.ROOT, "%02d", 1 + n % 28)).append(" Nov 2026 10:00:00 +0000\r\n");
    b.append("Message-ID: <").append(n).append('.').append(Math.abs(user.hashCode())).append("@bench.example>\r\n");
    b.append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
    int line = 0;
    while (b.length() < 2200) {
        b.append(WORDS[r.nextInt(WORDS.length)]);
        if (++line % 10 == 0) {
            b.append("\r\n");
        } else {
            b.append(' ');
        }
        if (rareEvery > 0 && n % rareEvery == 0 && line == 25) {
            b.append(RARE).append(' ');
        }
    }
    b.append("\r\n");
    return b.toString().getBytes(StandardCharsets.US_ASCII);
}

// --- a plain IMAP connection, one command at a time ------------------------------------------------------------

static final class ImapError extends IOException {
    ImapError(String m) {
        super(m);
    }
}

static final class Conn implements AutoCloseable {
    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\+?\\}$");
    final Socket socket;
    final InputStream in;
    final OutputStream out;
    int tag;
    int exists;

    Conn(String host, int port) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 30_000);
        socket.setSoTimeout(120_000);
        in = new BufferedInputStream(socket.getInputStream(), 65536);
        out = socket.getOutputStream();
        String greeting = line();
        if (!greeting.startsWith("* OK")) {
            throw new ImapError("greeting: " + greeting);
        }
    }

    /** Sends a command, reads to its tagged reply; fails on NO/BAD/BYE. Returns the untagged lines. */
    List<String> cmd(String command) throws IOException {
        String t = "a" + (++tag);
        out.write((t + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return until(t, command, command.startsWith("LOGOUT"));
    }

    /** APPEND with synchronizing literals (one or several messages: MULTIAPPEND). */
    List<String> append(String mailbox, List<byte[]> messages) throws IOException {
        String t = "a" + (++tag);
        StringBuilder head = new StringBuilder(t + " APPEND " + mailbox);
        for (int i = 0; i < messages.size(); i++) {
            head.append(" {").append(messages.get(i).length).append('}');
            out.write((head + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String cont = line();
            if (!cont.startsWith("+")) {
                throw new ImapError("APPEND: " + cont);
            }
            out.write(messages.get(i));
            head.setLength(0);
        }
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return until(t, "APPEND", false);
    }

    private List<String> until(String t, String command, boolean logout) throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String l = line();
            if (l.startsWith(t + " ")) {
                String rest = l.substring(t.length() + 1);
                if (!rest.startsWith("OK")) {
                    throw new ImapError(command.split(" ")[0] + " -> " + l);
                }
                return lines;
            }
            if (l.startsWith("* BYE") && !logout) {
                throw new ImapError(command.split(" ")[0] + " -> " + l);
            }
            if (l.endsWith(" EXISTS") && l.startsWith("* ")) {
                exists = Integer.parseInt(l.substring(2, l.indexOf(' ', 2)));
            } else if (l.endsWith(" EXPUNGE") && l.startsWith("* ")) {
                exists--;
            }
            lines.add(l);
        }
    }

    /** One response line, literals read and dropped (their size is kept in the text). */
    String line() throws IOException {
        StringBuilder acc = new StringBuilder();
        while (true) {
            String part = rawLine();
            acc.append(part);
            Matcher m = LITERAL.matcher(part);
            if (!m.find()) {
                return acc.toString();
            }
            long n = Long.parseLong(m.group(1));
            in.skipNBytes(n);
            acc.append("[").append(n).append(" bytes]");
        }
    }

    private String rawLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(256);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] a = b.toByteArray();
                int len = a.length > 0 && a[a.length - 1] == '\r' ? a.length - 1 : a.length;
                return new String(a, 0, len, StandardCharsets.UTF_8);
            }
            b.write(c);
        }
        throw new IOException("connection closed by the server");
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}

static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
}

// --- fill ------------------------------------------------------------------------------------------------------

static void fill(String host, int port, List<String> users, String password, int messages, int connections,
                 int rareEvery) throws Exception {
    long start = System.nanoTime();
    int batch = 50;
    AtomicLong done = new AtomicLong();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<?>> work = new ArrayList<>();
        for (String user : users) {
            int per = (messages + connections - 1) / connections;
            for (int c = 0; c < connections; c++) {
                int from = c * per + 1;
                int to = Math.min(messages, (c + 1) * per);
                work.add(pool.submit(() -> {
                    try (Conn conn = new Conn(host, port)) {
                        conn.cmd("LOGIN " + quoted(user) + " " + quoted(password));
                        for (int i = from; i <= to; i += batch) {
                            List<byte[]> msgs = new ArrayList<>();
                            for (int n = i; n < i + batch && n <= to; n++) {
                                msgs.add(message(user, n, rareEvery));
                            }
                            conn.append("INBOX", msgs);
                            long d = done.addAndGet(msgs.size());
                            if (d % 10_000 < msgs.size()) {
                                System.err.printf("  filled %d messages, %.0f msg/s%n", d, d / ((System.nanoTime() - start) / 1e9));
                            }
                        }
                        conn.cmd("LOGOUT");
                    }
                    return null;
                }));
            }
        }
        for (Future<?> f : work) {
            f.get();
        }
    }
    double s = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "{\"appended\": %d, \"seconds\": %.1f, \"messages_per_second\": %.0f}%n",
            done.get(), s, done.get() / s);
}

// --- load ------------------------------------------------------------------------------------------------------

/** Raw latencies of one op kind for one client, in nanoseconds. */
static final class Samples {
    long[] v = new long[1024];
    int n;

    void add(long x) {
        if (n == v.length) {
            v = Arrays.copyOf(v, n * 2);
        }
        v[n++] = x;
    }
}

static void load(String host, int port, List<String> users, String password, int warmup, int duration)
        throws Exception {
    long t0 = System.nanoTime();
    long measureFrom = t0 + warmup * 1_000_000_000L;
    long measureTo = measureFrom + duration * 1_000_000_000L;
    List<Samples[]> all = new ArrayList<>();
    AtomicLong errors = new AtomicLong();
    AtomicLong iterations = new AtomicLong();
    Map<String, AtomicLong> errorKinds = new java.util.concurrent.ConcurrentHashMap<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<?>> work = new ArrayList<>();
        for (int ci = 0; ci < users.size(); ci++) {
            Samples[] mine = new Samples[OPS.length];
            for (int i = 0; i < OPS.length; i++) {
                mine[i] = new Samples();
            }
            all.add(mine);
            String user = users.get(ci);
            Random rnd = new Random(1000 + ci);
            work.add(pool.submit(() -> {
                long seq = 1_000_000_000L + rnd.nextInt(1_000_000);
                while (System.nanoTime() < measureTo) {
                    Conn conn = null;
                    try {
                        long s = System.nanoTime();
                        conn = new Conn(host, port);
                        conn.cmd("LOGIN " + quoted(user) + " " + quoted(password));
                        record(mine, 0, s, measureFrom, measureTo);
                        s = timed(conn, mine, 1, "SELECT INBOX", measureFrom, measureTo);
                        int n = conn.exists;
                        if (n < 12) {
                            throw new ImapError("SELECT: mailbox has only " + n + " messages");
                        }
                        int first = 1 + rnd.nextInt(n - 10);
                        timed(conn, mine, 2, "FETCH " + first + ":" + (first + 9)
                                + " (UID FLAGS BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT DATE MESSAGE-ID)])", measureFrom, measureTo);
                        int one = 1 + rnd.nextInt(n);
                        timed(conn, mine, 3, "FETCH " + one + " (BODY.PEEK[])", measureFrom, measureTo);
                        timed(conn, mine, 4, "STORE " + (1 + rnd.nextInt(n)) + (rnd.nextBoolean() ? " +" : " -")
                                + "FLAGS.SILENT (\\Seen)", measureFrom, measureTo);
                        timed(conn, mine, 5, "UID SEARCH SUBJECT " + WORDS[rnd.nextInt(WORDS.length)], measureFrom, measureTo);
                        s = System.nanoTime();
                        conn.append("INBOX", List.of(message(user, seq++, 0)));
                        record(mine, 6, s, measureFrom, measureTo);
                        if (conn.exists != n + 1) {
                            // The server must announce the appended message in the selected mailbox.
                            conn.cmd("NOOP");
                        }
                        timed(conn, mine, 7, "STORE " + conn.exists + " +FLAGS.SILENT (\\Deleted)", measureFrom, measureTo);
                        timed(conn, mine, 8, "EXPUNGE", measureFrom, measureTo);
                        timed(conn, mine, 9, "LOGOUT", measureFrom, measureTo);
                        if (System.nanoTime() >= measureFrom && System.nanoTime() <= measureTo) {
                            iterations.incrementAndGet();
                        }
                    } catch (IOException e) {
                        long now = System.nanoTime();
                        if (now >= measureFrom && now <= measureTo) {
                            errors.incrementAndGet();
                            String kind = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                            kind = kind.length() > 120 ? kind.substring(0, 120) : kind;
                            errorKinds.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
                        }
                    } finally {
                        if (conn != null) {
                            conn.close();
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
    }
    StringBuilder json = new StringBuilder("{");
    long total = 0;
    StringBuilder perOp = new StringBuilder();
    for (int op = 0; op < OPS.length; op++) {
        int count = 0;
        for (Samples[] s : all) {
            count += s[op].n;
        }
        long[] v = new long[count];
        int k = 0;
        double sum = 0;
        for (Samples[] s : all) {
            System.arraycopy(s[op].v, 0, v, k, s[op].n);
            k += s[op].n;
        }
        Arrays.sort(v);
        for (long x : v) {
            sum += x;
        }
        total += count;
        perOp.append(String.format(Locale.ROOT, "%s\"%s\": {\"count\": %d, \"p50_ms\": %.2f, \"p99_ms\": %.2f, \"mean_ms\": %.2f}",
                op == 0 ? "" : ", ", OPS[op], count, pct(v, 50), pct(v, 99), count == 0 ? 0 : sum / count / 1e6));
    }
    long[] everything = all.stream().flatMap(a -> Arrays.stream(a)).flatMapToLong(s -> Arrays.stream(s.v, 0, s.n))
            .sorted().toArray();
    json.append(String.format(Locale.ROOT, "\"clients\": %d, \"seconds\": %d, \"ops\": %d, \"ops_per_second\": %.1f, "
                    + "\"iterations_per_second\": %.1f, \"errors\": %d, \"p50_ms\": %.2f, \"p99_ms\": %.2f, ",
            users.size(), duration, total, total / (double) duration, iterations.get() / (double) duration, errors.get(),
            pct(everything, 50), pct(everything, 99)));
    json.append("\"per_op\": {").append(perOp).append("}, \"error_kinds\": {");
    String sep = "";
    for (Map.Entry<String, AtomicLong> e : errorKinds.entrySet()) {
        json.append(sep).append(quoted(e.getKey())).append(": ").append(e.getValue().get());
        sep = ", ";
    }
    json.append("}}");
    System.out.println(json);
}

static long timed(Conn conn, Samples[] mine, int op, String command, long from, long to) throws IOException {
    long s = System.nanoTime();
    conn.cmd(command);
    record(mine, op, s, from, to);
    return s;
}

static void record(Samples[] mine, int op, long start, long from, long to) {
    long end = System.nanoTime();
    if (start >= from && end <= to) {
        mine[op].add(end - start);
    }
}

static double pct(long[] sorted, int p) {
    if (sorted.length == 0) {
        return 0;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
}

// --- probe -----------------------------------------------------------------------------------------------------

static void probe(String host, int port, String user, String password, int reps, List<String> words)
        throws Exception {
    Map<String, List<Double>> times = new LinkedHashMap<>();
    Map<String, String> results = new LinkedHashMap<>();
    int exists;
    try (Conn conn = new Conn(host, port)) {
        conn.cmd("LOGIN " + quoted(user) + " " + quoted(password));
        for (int r = 0; r < reps; r++) {
            long s = System.nanoTime();
            conn.cmd("SELECT INBOX");
            times.computeIfAbsent("SELECT", k -> new ArrayList<>()).add((System.nanoTime() - s) / 1e6);
            for (String w : words) {
                long t = System.nanoTime();
                List<String> lines = conn.cmd("UID SEARCH BODY " + w);
                times.computeIfAbsent("SEARCH BODY " + w, k -> new ArrayList<>()).add((System.nanoTime() - t) / 1e6);
                String hits = lines.stream().filter(l -> l.startsWith("* SEARCH")).findFirst().orElse("* SEARCH");
                results.put(w, String.valueOf(hits.substring(8).trim().isEmpty() ? 0 : hits.substring(9).trim().split(" ").length));
            }
            conn.cmd("UNSELECT");
        }
        conn.cmd("SELECT INBOX");
        exists = conn.exists;
        conn.cmd("LOGOUT");
    }
    StringBuilder json = new StringBuilder(String.format(Locale.ROOT, "{\"messages\": %d, \"reps\": %d", exists, reps));
    for (Map.Entry<String, List<Double>> e : times.entrySet()) {
        List<Double> v = e.getValue();
        double[] warm = v.subList(1, v.size()).stream().mapToDouble(Double::doubleValue).sorted().toArray();
        json.append(String.format(Locale.ROOT, ", %s: {\"first_ms\": %.1f, \"median_ms\": %.1f, \"min_ms\": %.1f, \"max_ms\": %.1f",
                quoted(e.getKey()), v.getFirst(), warm.length == 0 ? v.getFirst() : warm[warm.length / 2],
                warm.length == 0 ? v.getFirst() : warm[0], warm.length == 0 ? v.getFirst() : warm[warm.length - 1]));
        String key = e.getKey().startsWith("SEARCH BODY ") ? e.getKey().substring(12) : null;
        if (key != null) {
            json.append(", \"hits\": ").append(results.get(key));
        }
        json.append('}');
    }
    json.append('}');
    System.out.println(json);
}
