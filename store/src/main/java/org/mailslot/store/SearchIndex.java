package org.mailslot.store;

import static org.mailslot.store.StoreException.Reason.IO;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.ConcurrentMergeScheduler;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SortedNumericDocValues;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slot's full-text index ({@code <slot>/fts/}, Lucene): one document per visible message, holding the
 * {@link Grams} of its decoded, case-folded header and body text with positions, so that a substring query is
 * answered exactly by the index alone (no candidate verification; see {@link Grams}).
 *
 * <p>One thread per slot keeps it in step with the change log: woken after each commit, it reads the change
 * records from the database (never from memory, so startup replay and live updates are one code path), applies
 * them. Opening a new searcher (which flushes a segment) is the costly part, so it happens only when a search asks
 * for it, not after every commit. A search first waits until the index has applied the slot's last committed
 * change and a searcher shows it, so it never misses a committed message. The index is committed every
 * {@link StoreSettings#ftsCommitInterval()} and at close, recording the change seq it is current as of; after a
 * crash the rest is replayed from the log. A missing, corrupt or outdated index is rebuilt from the messages.
 */
final class SearchIndex implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SearchIndex.class);
    /** Bumped when the document layout changes: an index of another format is rebuilt. */
    static final String FORMAT = "2"; // 2: header values decoded by core's HeaderDecoder
    private static final int CHANGES_PER_READ = 1000;

    private static final String F_KEY = "key";
    private static final String F_ACCOUNT = "account";
    private static final String F_MAILBOX = "mailbox";
    private static final String F_UID = "uid";
    private static final String F_HEAD = "head";
    private static final String F_BODY = "body";
    private static final String F_TRUNCATED = "truncated";
    private static final String F_BLOB = "blob";
    private static final String F_UID_STORED = "uid_stored";
    private static final FieldType GRAMS = grams();

    /** What the index reads from the slot. */
    interface Source {
        List<ChangeRecord> changesSince(long seq, int max);

        long lastChangeSeq();

        Snapshot snapshot();

        InputStream openBody(String blobHash) throws IOException;
    }

    record Row(long accountId, long mailboxId, long uid, String blobHash) {}

    /** Every visible message as of change {@code seq}, read in one transaction. */
    record Snapshot(long seq, List<Row> rows) {}

    private final Path dir;
    private final int slotId;
    private final StoreSettings settings;
    private final Source source;
    private final ObjectMapper json = new ObjectMapper();
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final Thread thread;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition progress = lock.newCondition();
    // guarded by lock
    private long wanted;
    private long visible = -1;
    private boolean searchWaiting;
    private long rebuildsRequested;
    private long rebuildsDone;
    private boolean closed;
    private Exception failure;
    // indexer thread only
    private long applied;
    private boolean dirty;
    private long lastCommitNanos = System.nanoTime();

    private SearchIndex(Path dir, int slotId, StoreSettings settings, Source source, Directory directory,
                        IndexWriter writer, long committedSeq, boolean rebuild) throws IOException {
        this.dir = dir;
        this.slotId = slotId;
        this.settings = settings;
        this.source = source;
        this.directory = directory;
        this.writer = writer;
        this.searchers = new SearcherManager(writer, null);
        this.applied = committedSeq;
        if (rebuild) {
            rebuildsRequested = 1;
        }
        this.thread = Thread.ofPlatform().name("slot-" + slotId + "-fts").daemon(true).start(this::loop);
    }

    /** Opens the index in {@code dir}; a missing, unreadable or other-format index is replaced by a rebuild. */
    static SearchIndex open(Path dir, int slotId, StoreSettings settings, Source source) throws IOException {
        Files.createDirectories(dir);
        Directory directory = FSDirectory.open(dir);
        IndexWriter writer = null;
        try {
            writer = new IndexWriter(directory, config(settings));
            Map<String, String> data = new HashMap<>();
            Iterable<Map.Entry<String, String>> live = writer.getLiveCommitData();
            if (live != null) {
                live.forEach(e -> data.put(e.getKey(), e.getValue()));
            }
            boolean usable = FORMAT.equals(data.get("format")) && data.containsKey("seq");
            if (!usable && writer.getDocStats().numDocs > 0) {
                log.info("slot {}: full-text index has another format; rebuilding", slotId);
            }
            return new SearchIndex(dir, slotId, settings, source, directory, writer,
                    usable ? Long.parseLong(data.get("seq")) : 0, !usable);
        } catch (IOException | RuntimeException e) {
            log.warn("slot {}: full-text index at {} is unreadable ({}); rebuilding it", slotId, dir, e.toString());
            if (writer != null) {
                writer.rollback();
            }
            directory.close();
            deleteContents(dir);
            Directory fresh = FSDirectory.open(dir);
            try {
                return new SearchIndex(dir, slotId, settings, source, fresh,
                        new IndexWriter(fresh, config(settings)), 0, true);
            } catch (IOException | RuntimeException again) {
                fresh.close();
                throw again;
            }
        }
    }

    private static IndexWriterConfig config(StoreSettings settings) {
        ConcurrentMergeScheduler merges = new ConcurrentMergeScheduler();
        merges.setMaxMergesAndThreads(2, 1); // tens of slots share a node's few cores
        return new IndexWriterConfig()
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                .setRAMBufferSizeMB(settings.ftsRamBufferMb())
                .setMergeScheduler(merges)
                .setCommitOnClose(false);
    }

    private static FieldType grams() {
        FieldType t = new FieldType();
        t.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS);
        t.setTokenized(true);
        t.setOmitNorms(true);
        t.freeze();
        return t;
    }

    private static void deleteContents(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.delete(p);
                }
            }
        }
    }

    // ---- called by the store

    /** The slot committed up to change {@code seq}: index it soon. */
    void committed(long seq) {
        lock.lock();
        try {
            if (seq > wanted) {
                wanted = seq;
                work.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** UIDs of messages in the mailbox whose text contains the needle (see {@link SlotStore#searchText}). */
    Set<Long> search(long mailboxId, String needle, TextField field) {
        String folded = MessageText.fold(needle);
        awaitVisible(source.lastChangeSeq());
        Query text = field == TextField.BODY ? Grams.query(F_BODY, folded)
                : new BooleanQuery.Builder().add(Grams.query(F_HEAD, folded), Occur.SHOULD)
                        .add(Grams.query(F_BODY, folded), Occur.SHOULD).build();
        Query inMailbox = LongField.newExactQuery(F_MAILBOX, mailboxId);
        try {
            IndexSearcher s = searchers.acquire();
            try {
                Set<Long> uids = s.search(new BooleanQuery.Builder().add(inMailbox, Occur.FILTER)
                        .add(text, Occur.FILTER).build(), uidCollector());
                verifyTruncated(s, inMailbox, folded, field, uids);
                return uids;
            } finally {
                searchers.release(s);
            }
        } catch (IOException e) {
            throw new StoreException(IO, "full-text search failed: " + e.getMessage(), e);
        }
    }

    /** Text beyond the indexed prefix of a very long message is checked against the message itself. */
    private void verifyTruncated(IndexSearcher s, Query inMailbox, String folded, TextField field, Set<Long> uids)
            throws IOException {
        List<Integer> docs = s.search(new BooleanQuery.Builder().add(inMailbox, Occur.FILTER)
                .add(new TermQuery(new Term(F_TRUNCATED, "1")), Occur.FILTER).build(), docCollector());
        StoredFields stored = s.storedFields();
        for (int doc : docs) {
            Document d = stored.document(doc);
            long uid = d.getField(F_UID_STORED).numericValue().longValue();
            if (uids.contains(uid)) {
                continue;
            }
            try (InputStream in = source.openBody(d.get(F_BLOB))) {
                MessageText t = MessageText.extract(in, StoreSettings.MAX_FTS_INDEXED_CHARS);
                if (t.body().contains(folded) || field == TextField.TEXT && t.headers().contains(folded)) {
                    uids.add(uid);
                }
            } catch (NoSuchFileException e) {
                // purged meanwhile
            }
        }
    }

    /** Blocks until the index has applied change {@code target} and a searcher shows it. */
    private void awaitVisible(long target) {
        long deadline = System.nanoTime() + settings.ftsWaitTimeout().toNanos();
        lock.lock();
        try {
            if (target > wanted) {
                wanted = target;
            }
            if (visible < target) {
                searchWaiting = true;
                work.signal();
            }
            while (visible < target) {
                if (closed) {
                    throw new StoreException(IO, "slot store is closed");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new StoreException(IO, "full-text index of slot " + slotId + " is not ready (at change "
                            + visible + " of " + target + ")" + (failure == null ? "" : ": " + failure), failure);
                }
                progress.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(IO, "interrupted waiting for the full-text index", e);
        } finally {
            lock.unlock();
        }
    }

    /** Rebuilds the index from the messages and returns when searches see the result. */
    void rebuild() {
        lock.lock();
        try {
            long mine = ++rebuildsRequested;
            work.signal();
            while (rebuildsDone < mine) {
                if (closed) {
                    throw new StoreException(IO, "slot store is closed");
                }
                progress.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(IO, "interrupted waiting for the index rebuild", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The slot's change log was emptied and starts again at seq 0 (a replica copy reset for a full resync): forgets
     * the old log's positions, which the new log reaches again with other changes, and rebuilds the index from the
     * copy. Returns when searches see the result.
     */
    void restart() {
        lock.lock();
        try {
            wanted = 0; // commits after the reset raise it again; the rebuild reads the copy as it is then
        } finally {
            lock.unlock();
        }
        rebuild();
    }

    /**
     * Problems where the index disagrees with {@code snapshot} (messages missing or extra). Checked only when
     * the index is exactly at the snapshot's change seq; otherwise the slot moved on and nothing is reported.
     */
    List<String> check(Snapshot snapshot) {
        List<String> problems = new ArrayList<>();
        try {
            awaitVisible(snapshot.seq());
        } catch (StoreException e) {
            problems.add(e.getMessage());
            return problems;
        }
        try {
            IndexSearcher s = searchers.acquire();
            try {
                long seq = visibleSeq();
                if (seq != snapshot.seq()) {
                    return problems;
                }
                Set<String> indexed = new HashSet<>();
                for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
                    Bits live = leaf.reader().getLiveDocs();
                    SortedNumericDocValues mailbox = DocValues.getSortedNumeric(leaf.reader(), F_MAILBOX);
                    NumericDocValues uid = DocValues.getNumeric(leaf.reader(), F_UID);
                    for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
                        if ((live == null || live.get(doc)) && mailbox.advanceExact(doc) && uid.advanceExact(doc)) {
                            indexed.add(mailbox.nextValue() + "/" + uid.longValue());
                        }
                    }
                }
                Set<String> expected = new HashSet<>();
                for (Row r : snapshot.rows()) {
                    expected.add(key(r.mailboxId(), r.uid()));
                }
                Set<String> missing = new TreeSet<>(expected);
                missing.removeAll(indexed);
                Set<String> extra = new TreeSet<>(indexed);
                extra.removeAll(expected);
                if (!missing.isEmpty()) {
                    problems.add("full-text index misses " + missing.size() + " messages, e.g. " + missing.iterator().next());
                }
                if (!extra.isEmpty()) {
                    problems.add("full-text index has " + extra.size() + " messages that are not visible, e.g. "
                            + extra.iterator().next());
                }
            } finally {
                searchers.release(s);
            }
        } catch (IOException e) {
            problems.add("full-text index unreadable: " + e.getMessage());
        }
        return problems;
    }

    private long visibleSeq() {
        lock.lock();
        try {
            return visible;
        } finally {
            lock.unlock();
        }
    }

    // ---- the indexer thread

    private void loop() {
        try {
            lock.lock();
            try {
                wanted = Math.max(wanted, source.lastChangeSeq());
            } finally {
                lock.unlock();
            }
            if (applied > wanted) {
                log.warn("slot {}: full-text index is ahead of the slot (change {} > {}); rebuilding", slotId,
                        applied, wanted);
                requestRebuild();
            }
        } catch (RuntimeException e) {
            log.warn("slot {}: full-text index cannot read the slot at start", slotId, e);
        }
        boolean first = true; // the first pass always runs: it makes the opened index visible
        while (true) {
            long target;
            boolean refresh;
            boolean rebuild;
            long rebuildGoal;
            lock.lock();
            try {
                while (!first && !closed && rebuildsRequested == rebuildsDone && wanted <= applied && !commitDue()
                        && !(searchWaiting && visible < applied)) {
                    if (dirty) {
                        long left = settings.ftsCommitInterval().toNanos() - (System.nanoTime() - lastCommitNanos);
                        work.awaitNanos(Math.max(left, 1));
                    } else {
                        work.await();
                    }
                }
                if (closed) {
                    break;
                }
                target = wanted;
                rebuildGoal = rebuildsRequested;
                rebuild = rebuildsRequested != rebuildsDone;
                refresh = first || rebuild || searchWaiting;
                searchWaiting = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                lock.unlock();
            }
            try {
                if (rebuild) {
                    rebuildNow();
                }
                catchUp(target, refresh);
                if (rebuild) {
                    lock.lock();
                    try {
                        rebuildsDone = rebuildGoal;
                        progress.signalAll();
                    } finally {
                        lock.unlock();
                    }
                }
                first = false;
                if (commitDue()) {
                    commit();
                }
            } catch (IOException | RuntimeException e) {
                log.error("slot {}: full-text indexing failed; retrying", slotId, e);
                lock.lock();
                try {
                    failure = e;
                    progress.signalAll();
                    work.await(1, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                } finally {
                    lock.unlock();
                }
            }
        }
        try {
            if (dirty) {
                commit();
            }
        } catch (IOException | RuntimeException e) {
            log.warn("slot {}: final commit of the full-text index failed (replayed at next open)", slotId, e);
        }
    }

    private void requestRebuild() {
        lock.lock();
        try {
            rebuildsRequested++;
        } finally {
            lock.unlock();
        }
    }

    private boolean commitDue() {
        return dirty && System.nanoTime() - lastCommitNanos >= settings.ftsCommitInterval().toNanos();
    }

    private void commit() throws IOException {
        writer.setLiveCommitData(Map.of("seq", Long.toString(applied), "format", FORMAT).entrySet());
        writer.commit();
        dirty = false;
        lastCommitNanos = System.nanoTime();
    }

    private void rebuildNow() throws IOException {
        lock.lock();
        try {
            visible = -1; // searches wait for the new index
        } finally {
            lock.unlock();
        }
        long start = System.nanoTime();
        writer.deleteAll();
        Snapshot snapshot = source.snapshot();
        for (Row r : snapshot.rows()) {
            index(r.accountId(), r.mailboxId(), r.uid(), r.blobHash());
        }
        applied = snapshot.seq();
        commit();
        if (!snapshot.rows().isEmpty()) {
            log.info("slot {}: full-text index rebuilt: {} messages in {} ms", slotId, snapshot.rows().size(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
    }

    /** Applies every change after {@link #applied}; with {@code refresh}, makes the result searchable. */
    private void catchUp(long target, boolean refresh) throws IOException {
        while (true) {
            List<ChangeRecord> batch = source.changesSince(applied, CHANGES_PER_READ);
            if (batch.isEmpty()) {
                break;
            }
            for (ChangeRecord c : batch) {
                apply(c);
                applied = c.seq();
                dirty = true;
            }
        }
        applied = Math.max(applied, target); // read after target was committed: nothing below it is left
        if (!refresh) {
            return;
        }
        searchers.maybeRefreshBlocking();
        lock.lock();
        try {
            visible = applied;
            failure = null;
            progress.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void apply(ChangeRecord c) throws IOException {
        switch (c.kind()) {
            case "message.add" -> {
                JsonNode p = json.readTree(c.payload());
                index(p.get("accountId").asLong(), p.get("mailboxId").asLong(), p.get("uid").asLong(),
                        p.get("blobHash").asText());
            }
            case "message.expunge" -> {
                JsonNode p = json.readTree(c.payload());
                long mailboxId = p.get("mailboxId").asLong();
                List<Term> keys = new ArrayList<>();
                p.get("uids").forEach(u -> keys.add(new Term(F_KEY, key(mailboxId, u.asLong()))));
                writer.deleteDocuments(keys.toArray(Term[]::new));
            }
            case "account.delete" -> writer.deleteDocuments(
                    LongField.newExactQuery(F_ACCOUNT, json.readTree(c.payload()).get("accountId").asLong()));
            default -> {
                // mailbox changes, flags and purges do not change any message's text
            }
        }
    }

    private void index(long accountId, long mailboxId, long uid, String blobHash) throws IOException {
        MessageText text;
        try (InputStream in = source.openBody(blobHash)) {
            text = MessageText.extract(in, settings.ftsMaxIndexedChars());
        } catch (NoSuchFileException e) {
            return; // purged since: a later change removes the message
        } catch (IOException e) {
            log.warn("slot {}: cannot read body {} of message {}/{} for the full-text index; not indexed", slotId,
                    blobHash, mailboxId, uid, e);
            return;
        }
        String key = key(mailboxId, uid);
        Document d = new Document();
        d.add(new StringField(F_KEY, key, Field.Store.NO));
        d.add(new LongField(F_ACCOUNT, accountId, Field.Store.NO));
        d.add(new LongField(F_MAILBOX, mailboxId, Field.Store.NO));
        d.add(new NumericDocValuesField(F_UID, uid));
        d.add(new Field(F_HEAD, Grams.tokens(text.headers()), GRAMS));
        d.add(new Field(F_BODY, Grams.tokens(text.body()), GRAMS));
        if (text.truncated()) {
            d.add(new StringField(F_TRUNCATED, "1", Field.Store.NO));
            d.add(new StoredField(F_BLOB, blobHash));
            d.add(new StoredField(F_UID_STORED, uid));
        }
        writer.updateDocument(new Term(F_KEY, key), d);
    }

    private static String key(long mailboxId, long uid) {
        return mailboxId + "/" + uid;
    }

    private static CollectorManager<UidCollector, Set<Long>> uidCollector() {
        return new CollectorManager<>() {
            @Override
            public UidCollector newCollector() {
                return new UidCollector();
            }

            @Override
            public Set<Long> reduce(Collection<UidCollector> collectors) {
                Set<Long> out = new TreeSet<>();
                collectors.forEach(c -> out.addAll(c.uids));
                return out;
            }
        };
    }

    private static final class UidCollector extends SimpleCollector {
        final List<Long> uids = new ArrayList<>();
        private NumericDocValues uid;

        @Override
        protected void doSetNextReader(LeafReaderContext context) throws IOException {
            uid = DocValues.getNumeric(context.reader(), F_UID);
        }

        @Override
        public void collect(int doc) throws IOException {
            if (uid.advanceExact(doc)) {
                uids.add(uid.longValue());
            }
        }

        @Override
        public ScoreMode scoreMode() {
            return ScoreMode.COMPLETE_NO_SCORES;
        }
    }

    private static CollectorManager<DocCollector, List<Integer>> docCollector() {
        return new CollectorManager<>() {
            @Override
            public DocCollector newCollector() {
                return new DocCollector();
            }

            @Override
            public List<Integer> reduce(Collection<DocCollector> collectors) {
                List<Integer> out = new ArrayList<>();
                collectors.forEach(c -> out.addAll(c.docs));
                return out;
            }
        };
    }

    private static final class DocCollector extends SimpleCollector {
        final List<Integer> docs = new ArrayList<>();
        private int base;

        @Override
        protected void doSetNextReader(LeafReaderContext context) {
            base = context.docBase;
        }

        @Override
        public void collect(int doc) {
            docs.add(base + doc);
        }

        @Override
        public ScoreMode scoreMode() {
            return ScoreMode.COMPLETE_NO_SCORES;
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            work.signalAll();
            progress.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            searchers.close();
            writer.close();
            directory.close();
        } catch (IOException e) {
            log.warn("slot {}: closing the full-text index at {} failed", slotId, dir, e);
        }
    }
}
