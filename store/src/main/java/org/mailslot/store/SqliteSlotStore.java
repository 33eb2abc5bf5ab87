package org.mailslot.store;

import static org.mailslot.store.StoreException.Reason.INVALID;
import static org.mailslot.store.StoreException.Reason.IO;
import static org.mailslot.store.StoreException.Reason.NOT_FOUND;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.mailslot.core.mime.MessageIndex;
import org.mailslot.core.mime.MessageIndexer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/** The SQLite + blob-directory slot engine. See {@link SlotStore}. */
final class SqliteSlotStore implements SlotStore {
    private static final Logger log = LoggerFactory.getLogger(SqliteSlotStore.class);
    /** Read connections per slot; not a setting because tens of slots share a node's cores. */
    private static final int READ_CONNECTIONS = 3;
    private static final int MAX_CHANGES_PER_READ = 10_000;

    private final int slotId;
    private final StoreSettings settings;
    private final FaultHook faults;
    private final Clock clock;
    private final MessageIndexer indexer = new MessageIndexer();
    private final List<Consumer<ChangeRecord>> listeners = new CopyOnWriteArrayList<>();
    private final List<MailboxListener> mailboxListeners = new CopyOnWriteArrayList<>();
    private final FileChannel lockFile;
    private final BlobStore blobs;
    private final SlotWriter writer;
    private final ReadPool reads;
    private final SearchIndex search;
    private final SelectCache selectCache = new SelectCache();
    private volatile long epoch;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final RowCapture capture;
    private boolean closed;

    static SqliteSlotStore open(Path slotDir, int slotId, StoreSettings settings) {
        return new SqliteSlotStore(slotDir, slotId, settings, FaultHook.NONE, Clock.systemUTC());
    }

    SqliteSlotStore(Path dir, int slotId, StoreSettings settings, FaultHook faults, Clock clock) {
        this.slotId = slotId;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.faults = faults;
        this.clock = clock;
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            lockFile = FileChannel.open(dir.resolve("slot.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            opened.add(lockFile);
            FileLock lock = tryLock(lockFile);
            if (lock == null) {
                throw new StoreException(IO, "slot " + slotId + " is open elsewhere: " + dir);
            }
            blobs = new BlobStore(dir.resolve("blobs"));
            String url = "jdbc:sqlite:" + dir.resolve("slot.db");
            Connection w = connect(url);
            opened.add(w);
            w.setAutoCommit(false);
            Schema.apply(w);
            epoch = meta(w, "epoch");
            w.commit();
            capture = RowCapture.install(w);
            List<Connection> readers = new ArrayList<>();
            for (int i = 0; i < READ_CONNECTIONS; i++) {
                Connection r = connect(url);
                opened.add(r);
                try (Statement st = r.createStatement()) {
                    st.execute("PRAGMA query_only = true");
                }
                readers.add(r);
            }
            reads = new ReadPool(readers);
            search = SearchIndex.open(dir.resolve("fts"), slotId, settings, new SearchIndex.Source() {
                @Override
                public List<ChangeRecord> changesSince(long seq, int max) {
                    return SqliteSlotStore.this.changesSince(seq, max);
                }

                @Override
                public long lastChangeSeq() {
                    return SqliteSlotStore.this.lastChangeSeq();
                }

                @Override
                public SearchIndex.Snapshot snapshot() {
                    return SqliteSlotStore.this.snapshotForIndex();
                }

                @Override
                public InputStream openBody(String blobHash) throws IOException {
                    return blobs.open(blobHash);
                }
            });
            opened.add(search);
            writer = new SlotWriter("slot-" + slotId + "-writer", w, settings.maxBatch(), () -> epoch, clock,
                    new ObjectMapper(), faults, this::publish);
        } catch (IOException | SQLException | RuntimeException e) {
            for (AutoCloseable c : opened.reversed()) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // already failing
                }
            }
            if (e instanceof StoreException se) {
                throw se;
            }
            throw new StoreException(IO, "cannot open slot " + slotId + " at " + dir + ": " + e.getMessage(), e);
        }
    }

    private static FileLock tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static Connection connect(String url) throws SQLException {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
        cfg.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        cfg.setBusyTimeout(30_000);
        return DriverManager.getConnection(url, cfg.toProperties());
    }

    private static long meta(Connection c, String key) throws SQLException {
        try (PreparedStatement st = Sql.prepare(c, "SELECT value FROM meta WHERE key = ?", key);
             ResultSet rs = st.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private void publish(Tx tx) {
        List<ChangeRecord> changes = tx.changes();
        for (ChangeRecord change : changes) {
            for (Consumer<ChangeRecord> l : listeners) {
                try {
                    l.accept(change);
                } catch (RuntimeException e) {
                    log.warn("slot {}: change listener failed on seq {}", slotId, change.seq(), e);
                }
            }
        }
        if (!mailboxListeners.isEmpty()) {
            tx.touchedMailboxes().forEach((mailboxId, highestModSeq) -> {
                for (MailboxListener l : mailboxListeners) {
                    try {
                        l.changed(mailboxId, highestModSeq);
                    } catch (RuntimeException e) {
                        log.warn("slot {}: mailbox listener failed on mailbox {}", slotId, mailboxId, e);
                    }
                }
            });
        }
        if (!changes.isEmpty()) {
            search.committed(changes.getLast().seq());
        }
    }

    /** Every visible message with the change seq it is current as of, read in one snapshot. */
    private SearchIndex.Snapshot snapshotForIndex() {
        return reads.read(c -> {
            long seq;
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT seq FROM sqlite_sequence WHERE name = 'change_log'")) {
                seq = rs.next() ? rs.getLong(1) : 0L;
            }
            List<SearchIndex.Row> rows = new ArrayList<>();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT b.account_id, m.mailbox_id, m.uid, m.blob_hash FROM message m"
                         + " JOIN mailbox b ON b.id = m.mailbox_id WHERE m.state = 0 ORDER BY m.mailbox_id, m.uid")) {
                while (rs.next()) {
                    rows.add(new SearchIndex.Row(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4)));
                }
            }
            return new SearchIndex.Snapshot(seq, rows);
        });
    }

    @Override
    public int slotId() {
        return slotId;
    }

    @Override
    public long epoch() {
        return epoch;
    }

    // ---- accounts and mailboxes

    @Override
    public void createAccount(long accountId) {
        // idempotent without a write (and its fsync) when the account is complete, as it is after its first use
        java.util.Set<String> names = new java.util.HashSet<>();
        mailboxes(accountId).forEach(m -> names.add(m.name()));
        if (MailboxOps.DEFAULTS.stream().allMatch(d -> names.contains(d.name()))) {
            return;
        }
        writer.submit(tx -> MailboxOps.createAccount(tx, accountId), null);
    }

    @Override
    public void deleteAccount(long accountId) {
        writer.submit(tx -> MailboxOps.deleteAccount(tx, accountId), null);
    }

    @Override
    public List<Mailbox> mailboxes(long accountId) {
        return reads.read(c -> Sql.mailboxes(c, "account_id = ? AND deleted_at IS NULL ORDER BY name", accountId));
    }

    @Override
    public Optional<Mailbox> mailbox(long accountId, String name) {
        String n;
        try {
            n = MailboxNames.normalize(name);
        } catch (StoreException e) {
            return Optional.empty();
        }
        return reads.read(c -> Sql.liveMailbox(c, accountId, n));
    }

    @Override
    public MailboxStatus status(long mailboxId) {
        return reads.read(c -> {
            try (PreparedStatement st = Sql.prepare(c, "SELECT " + Sql.MAILBOX_COLUMNS + ", messages, unseen, size"
                    + " FROM mailbox WHERE id = ? AND deleted_at IS NULL", mailboxId);
                 ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw new StoreException(NOT_FOUND, "no mailbox " + mailboxId);
                }
                return new MailboxStatus(Sql.mailbox(rs), rs.getInt(9), rs.getInt(10), 0, rs.getLong(11));
            }
        });
    }

    @Override
    public long firstUnseenUid(long mailboxId) {
        return reads.read(c -> {
            Sql.requireMailbox(c, mailboxId);
            try (PreparedStatement st = Sql.prepare(c, "SELECT min(uid) FROM message WHERE mailbox_id = ?"
                    + " AND state = 0 AND seen = 0", mailboxId);
                 ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    @Override
    public Mailbox createMailbox(long accountId, String name, SpecialUse use) {
        return writer.submit(tx -> MailboxOps.create(tx, accountId, name, use), null);
    }

    @Override
    public void renameMailbox(long accountId, String from, String to) {
        writer.submit(tx -> MailboxOps.rename(tx, accountId, from, to), null);
    }

    @Override
    public void deleteMailbox(long accountId, String name) {
        writer.submit(tx -> MailboxOps.delete(tx, accountId, name), null);
    }

    @Override
    public void setSubscribed(long accountId, String name, boolean subscribed) {
        writer.submit(tx -> MailboxOps.subscribe(tx, accountId, name, subscribed), null);
    }

    // ---- message writes

    /** A body on disk (pinned) and indexed, ready for the writer; done in the caller's thread. */
    private record Prepared(BlobStore.Written blob, MessageOps.Content content) {}

    private Prepared prepare(MessageContent body, Set<String> flags, Instant internalDate) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(internalDate, "internalDate");
        Set<String> normalized = Flags.normalize(flags);
        BlobStore.Written blob;
        try {
            blob = blobs.write(body);
        } catch (IOException e) {
            throw new StoreException(IO, "cannot store body: " + e.getMessage(), e);
        }
        try {
            MessageIndex index;
            try (InputStream in = blobs.open(blob.hash())) {
                index = indexer.index(in);
            }
            faults.at(FaultInjectingSlotStore.FaultPoint.AFTER_BLOB_WRITE);
            return new Prepared(blob, new MessageOps.Content(normalized, internalDate.toEpochMilli(), blob.size(),
                    blob.hash(), index.envelope(), index.body(), index.bodyStructure(), 0, 0, index.threadIds(),
                    blob.header()));
        } catch (IOException | RuntimeException e) {
            blobs.unpin(blob.hash());
            if (e instanceof StoreException se) {
                throw se;
            }
            throw new StoreException(IO, "cannot index body: " + e.getMessage(), e);
        }
    }

    @Override
    public List<DeliveryOutcome> deliver(MessageContent body, Instant internalDate, List<DeliveryTarget> targets) {
        if (targets.isEmpty()) {
            return List.of();
        }
        List<DeliveryTarget> copy = List.copyOf(targets);
        Prepared p = prepare(body, Set.of(), internalDate);
        try {
            return writer.submit(tx -> MessageOps.deliver(tx, p.content, copy), p.blob.dirToSync());
        } finally {
            blobs.unpin(p.blob.hash());
        }
    }

    @Override
    public AppendResult append(long accountId, String mailbox, MessageContent body, Set<String> flags,
                               Instant internalDate, long quotaBytes) {
        String name = MailboxNames.normalize(mailbox);
        Prepared p = prepare(body, flags, internalDate);
        try {
            return writer.submit(tx -> MessageOps.append(tx, accountId, name, p.content, quotaBytes),
                    p.blob.dirToSync());
        } finally {
            blobs.unpin(p.blob.hash());
        }
    }

    @Override
    public List<AppendResult> appendAll(long accountId, String mailbox, List<AppendRequest> messages,
                                        long quotaBytes) {
        String name = MailboxNames.normalize(mailbox);
        List<Prepared> prepared = new ArrayList<>();
        try {
            for (AppendRequest r : messages) {
                prepared.add(prepare(r.body(), r.flags(), r.internalDate()));
            }
            if (prepared.isEmpty()) {
                return List.of();
            }
            List<MessageOps.Content> contents = prepared.stream().map(Prepared::content).toList();
            List<Path> dirs = prepared.stream().map(p -> p.blob().dirToSync()).filter(Objects::nonNull)
                    .distinct().toList();
            return writer.submitSyncing(tx -> MessageOps.appendAll(tx, accountId, name, contents, quotaBytes), dirs);
        } finally {
            for (Prepared p : prepared) {
                blobs.unpin(p.blob().hash());
            }
        }
    }

    @Override
    public List<MessageMeta> storeFlags(long mailboxId, Collection<Long> uids, FlagOp op, Set<String> flags) {
        return storeFlags(mailboxId, uids, op, flags, 0).messages();
    }

    @Override
    public StoreFlagsResult storeFlags(long mailboxId, Collection<Long> uids, FlagOp op, Set<String> flags,
                                       long unchangedSince) {
        Objects.requireNonNull(op, "op");
        List<Long> copy = List.copyOf(uids);
        Set<String> f = Flags.normalize(flags);
        return writer.submit(tx -> MessageOps.storeFlags(tx, mailboxId, copy, op, f, unchangedSince), null);
    }

    @Override
    public List<MoveResult> move(long fromMailboxId, Collection<Long> uids, long toMailboxId, long quotaBytes) {
        List<Long> copy = List.copyOf(uids);
        return writer.submit(tx -> MessageOps.move(tx, fromMailboxId, copy, toMailboxId, quotaBytes), null);
    }

    @Override
    public List<AppendResult> copy(long fromMailboxId, Collection<Long> uids, long toMailboxId, long quotaBytes) {
        List<Long> copy = List.copyOf(uids);
        return writer.submit(tx -> MessageOps.copy(tx, fromMailboxId, copy, toMailboxId, quotaBytes), null);
    }

    @Override
    public void expunge(long mailboxId, Collection<Long> uids) {
        List<Long> copy = List.copyOf(uids);
        writer.submit(tx -> MessageOps.expunge(tx, mailboxId, copy), null);
    }

    @Override
    public int restore(long accountId, Instant expungedSince) {
        long since = expungedSince.toEpochMilli();
        return writer.submit(tx -> MessageOps.restore(tx, accountId, since), null);
    }

    @Override
    public int purgeExpunged(Instant now) {
        long cutoff = now.minus(settings.expungeRetention()).toEpochMilli();
        MessageOps.Purged purged = writer.submit(tx -> MessageOps.purge(tx, cutoff), null);
        int collected = collectGarbage();
        if (purged.messages() > 0 || collected > 0) {
            log.info("slot {}: purged {} expunged messages, removed {} unreferenced blobs", slotId, purged.messages(),
                    collected);
        }
        return purged.messages();
    }

    /** Removes every blob no row refers to and no write in flight has pinned (also orphans of a crash). */
    private int collectGarbage() {
        int removed = 0;
        try {
            for (Path f : blobs.files()) {
                String hash = f.getFileName().toString();
                if (BlobStore.isHash(hash) && blobs.path(hash).equals(f) && blobs.collect(hash, this::referenced)) {
                    removed++;
                }
            }
        } catch (IOException e) {
            throw new StoreException(IO, "blob garbage collection failed: " + e.getMessage(), e);
        }
        return removed;
    }

    /** Whether a message row or a queued outbound entry names the body: blob GC keeps it. */
    private boolean referenced(String hash) {
        return reads.read(c -> {
            try (PreparedStatement st = Sql.prepare(c, "SELECT 1 FROM message WHERE blob_hash = ? LIMIT 1", hash);
                 ResultSet rs = st.executeQuery()) {
                return rs.next() || OutboundRows.references(c, hash);
            }
        });
    }

    // ---- outbound queue

    @Override
    public long submit(long accountId, String sender, List<String> recipients, MessageContent content,
                       Instant internalDate, Instant expiresAt, long quotaBytes, boolean saveToSent) {
        List<String> to = OutboundAddresses.recipients(recipients);
        String from = OutboundAddresses.sender(sender);
        Objects.requireNonNull(expiresAt, "expiresAt");
        Prepared p = prepare(content, Set.of(Flags.SEEN), internalDate);
        try {
            return writer.submit(tx -> OutboundOps.submit(tx, accountId, from, to, p.content, expiresAt.toEpochMilli(),
                    quotaBytes, saveToSent), p.blob.dirToSync());
        } finally {
            blobs.unpin(p.blob.hash());
        }
    }

    @Override
    public List<OutboundEntry> dueOutbound(Instant now, int limit) {
        if (limit < 1) {
            throw new StoreException(INVALID, "limit must be at least 1, got " + limit);
        }
        return reads.read(c -> OutboundRows.due(c, now.toEpochMilli(), limit));
    }

    @Override
    public Optional<OutboundEntry> outbound(long queueId) {
        return reads.read(c -> OutboundRows.entry(c, queueId));
    }

    @Override
    public int flushOutbound(Instant now) {
        long nowMillis = now.toEpochMilli();
        return writer.submit(tx -> OutboundOps.flush(tx, nowMillis), null);
    }

    @Override
    public boolean deleteOutbound(long queueId) {
        return writer.submit(tx -> OutboundOps.delete(tx, queueId), null);
    }

    @Override
    public Optional<OutboundEntry> claimOutbound(long queueId, Instant now, Instant retryAt) {
        long nowMillis = now.toEpochMilli();
        long retryMillis = retryAt.toEpochMilli();
        return writer.submit(tx -> OutboundOps.claim(tx, queueId, nowMillis, retryMillis), null);
    }

    @Override
    public Optional<OutboundEntry> recordOutboundAttempt(long queueId, List<OutboundOutcome> outcomes,
                                                         OutboundNotice notice) {
        List<OutboundOutcome> copy = List.copyOf(outcomes);
        if (notice == null) {
            return writer.submit(tx -> OutboundOps.record(tx, queueId, copy, null, null), null);
        }
        Prepared p = prepare(notice.content(), Set.of(), clock.instant());
        try {
            return writer.submit(tx -> OutboundOps.record(tx, queueId, copy, p.content, notice.kind()),
                    p.blob.dirToSync());
        } finally {
            blobs.unpin(p.blob.hash());
        }
    }

    // ---- reads

    @Override
    public List<MessageMeta> messages(long mailboxId) {
        return reads.read(c -> {
            Sql.requireMailbox(c, mailboxId);
            return Sql.messages(c, "mailbox_id = ? AND state = 0 ORDER BY uid", mailboxId);
        });
    }

    @Override
    public List<MessageMeta> messages(long mailboxId, long fromUid, long toUid) {
        return reads.read(c -> {
            Sql.requireMailbox(c, mailboxId);
            return Sql.messages(c, "mailbox_id = ? AND state = 0 AND uid BETWEEN ? AND ? ORDER BY uid", mailboxId,
                    fromUid, toUid);
        });
    }

    @Override
    public Map<Long, byte[]> headers(long mailboxId, long fromUid, long toUid) {
        return reads.read(c -> {
            Map<Long, byte[]> out = new HashMap<>();
            try (PreparedStatement st = Sql.prepare(c, "SELECT uid, header FROM message WHERE mailbox_id = ?"
                    + " AND state = 0 AND uid BETWEEN ? AND ? AND header IS NOT NULL", mailboxId, fromUid, toUid);
                 ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), rs.getBytes(2));
                }
            }
            return out;
        });
    }

    @Override
    public List<MessageMeta> summaries(long mailboxId) {
        return reads.read(c -> {
            Sql.requireMailbox(c, mailboxId);
            return Sql.messages(c, Sql.SUMMARY_COLUMNS, "mailbox_id = ? AND state = 0 ORDER BY uid", mailboxId);
        });
    }

    @Override
    public Optional<MessageMeta> message(long mailboxId, long uid) {
        return reads.read(c -> Sql.messages(c, "mailbox_id = ? AND uid = ? AND state = 0", mailboxId, uid)
                .stream().findFirst());
    }

    @Override
    public List<MessageFlags> flagsAndUids(long mailboxId) {
        return reads.read(c -> selectCache.read(c, mailboxId));
    }

    @Override
    public List<MessageMeta> changedSince(long mailboxId, long modSeq) {
        return reads.read(c -> {
            Sql.requireMailbox(c, mailboxId);
            List<MessageMeta> out = Sql.messages(c, "mailbox_id = ? AND state = 0 AND modseq > ?", mailboxId, modSeq);
            out.sort(java.util.Comparator.comparingLong(MessageMeta::uid));
            return out;
        });
    }

    @Override
    public List<Long> expungedSince(long mailboxId, long sinceModSeq) {
        return reads.read(c -> {
            long purgedModSeq;
            long uidNext;
            try (PreparedStatement st = Sql.prepare(c, "SELECT purged_modseq, uid_next FROM mailbox WHERE id = ?",
                    mailboxId); ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return List.of();
                }
                purgedModSeq = rs.getLong(1);
                uidNext = rs.getLong(2);
            }
            List<Long> out = new ArrayList<>();
            if (sinceModSeq < purgedModSeq) { // the exact history is purged: every UID given out and not visible
                try (PreparedStatement st = Sql.prepare(c, "SELECT uid FROM message WHERE mailbox_id = ?"
                        + " AND state = 0 ORDER BY uid", mailboxId); ResultSet rs = st.executeQuery()) {
                    long next = 1;
                    while (rs.next()) {
                        for (long visible = rs.getLong(1); next < visible; next++) {
                            out.add(next);
                        }
                        next++;
                    }
                    for (; next < uidNext; next++) {
                        out.add(next);
                    }
                }
                return out;
            }
            try (PreparedStatement st = Sql.prepare(c, "SELECT uid FROM message WHERE mailbox_id = ? AND state <> 0"
                    + " AND expunged_modseq > ? ORDER BY uid", mailboxId, sinceModSeq);
                 ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return out;
        });
    }

    @Override
    public InputStream openBody(String blobHash) {
        try {
            return blobs.open(blobHash);
        } catch (NoSuchFileException e) {
            throw new StoreException(NOT_FOUND, "no body " + blobHash);
        } catch (IOException e) {
            throw new StoreException(IO, "cannot open body " + blobHash + ": " + e.getMessage(), e);
        }
    }

    @Override
    public QuotaUsage quotaUsage(long accountId) {
        return reads.read(c -> {
            try (PreparedStatement st = Sql.prepare(c, "SELECT used_bytes, used_messages FROM account WHERE id = ?",
                    accountId); ResultSet rs = st.executeQuery()) {
                return rs.next() ? new QuotaUsage(accountId, rs.getLong(1), rs.getLong(2))
                        : new QuotaUsage(accountId, 0, 0);
            }
        });
    }

    @Override
    public List<ChangeRecord> changesSince(long seq, int max) {
        if (max < 1 || max > MAX_CHANGES_PER_READ) {
            throw new StoreException(INVALID, "max must be 1.." + MAX_CHANGES_PER_READ + ", got " + max);
        }
        return reads.read(c -> {
            List<ChangeRecord> out = new ArrayList<>();
            try (PreparedStatement st = Sql.prepare(c, "SELECT seq, epoch, kind, payload, crc32c FROM change_log"
                    + " WHERE seq > ? ORDER BY seq LIMIT ?", seq, max);
                 ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new ChangeRecord(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getBytes(4),
                            rs.getInt(5)));
                }
            }
            return out;
        });
    }

    @Override
    public long lastChangeSeq() {
        return reads.read(c -> {
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT seq FROM sqlite_sequence WHERE name = 'change_log'")) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    @Override
    public VerifyReport verify() {
        VerifyReport report = new Verifier(slotId, blobs, reads).run();
        List<String> ftsProblems = search.check(snapshotForIndex());
        if (ftsProblems.isEmpty()) {
            return report;
        }
        List<String> all = new ArrayList<>(report.problems());
        all.addAll(ftsProblems);
        return new VerifyReport(report.slotId(), report.blobsChecked(), report.rowsChecked(), all);
    }

    @Override
    public void addChangeListener(Consumer<ChangeRecord> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void addMailboxListener(MailboxListener listener) {
        mailboxListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeMailboxListener(MailboxListener listener) {
        mailboxListeners.remove(listener);
    }

    @Override
    public Set<Long> searchText(long mailboxId, String needle, TextField field) {
        Objects.requireNonNull(needle, "needle");
        Objects.requireNonNull(field, "field");
        reads.read(c -> Sql.requireMailbox(c, mailboxId));
        return search.search(mailboxId, needle, field);
    }

    @Override
    public int applyChanges(List<ChangeRecord> records) {
        Objects.requireNonNull(records, "records");
        if (records.isEmpty()) {
            return 0;
        }
        ChangeApplier applier = new ChangeApplier(capture.tables(), JSON, blobs::exists);
        return writer.submitReplicated(tx -> applier.apply(tx, records));
    }

    @Override
    public void resetForResync() {
        writer.submitReplicated(tx -> {
            CopyReset.run(tx, capture.tables());
            return null;
        });
        selectCache.clear();
        search.restart();
    }

    @Override
    public CopyRole role() {
        return writer.role();
    }

    @Override
    public void becomeMaster(long newEpoch, CommitShipper shipper) {
        changeRole(CopyRole.MASTER, newEpoch, shipper);
    }

    @Override
    public void becomeReplica(long newEpoch) {
        changeRole(CopyRole.REPLICA, newEpoch, null);
    }

    @Override
    public void fence() {
        writer.changeRole(CopyRole.FENCED, null, tx -> null);
        log.info("slot {}: fenced at epoch {}: no more writes here", slotId, epoch);
        tellRole(CopyRole.FENCED);
    }

    private void tellRole(CopyRole role) {
        for (MailboxListener l : mailboxListeners) {
            try {
                l.roleChanged(role);
            } catch (RuntimeException e) {
                log.warn("slot {}: a listener failed on a role change", slotId, e);
            }
        }
    }

    /** The role and the epoch change in one writer turn, after every write queued before; the epoch never goes down. */
    private void changeRole(CopyRole role, long newEpoch, CommitShipper shipper) {
        if (newEpoch < epoch) {
            throw new StoreException(INVALID, "slot " + slotId + " is at epoch " + epoch + ", cannot go back to "
                    + newEpoch);
        }
        writer.changeRole(role, shipper, tx -> {
            tx.update("INSERT INTO meta(key, value) VALUES ('epoch', ?) ON CONFLICT(key) DO UPDATE SET value = ?",
                    newEpoch, newEpoch);
            RowCapture.drain(tx.c()); // this copy's own bookkeeping, not a change to replicate
            epoch = newEpoch;
            return null;
        });
        log.info("slot {}: {} at epoch {}", slotId, role.describe(), newEpoch);
        tellRole(role);
    }

    @Override
    public boolean hasBody(String blobHash) {
        return blobs.exists(blobHash);
    }

    @Override
    public void receiveBody(String blobHash, InputStream in) {
        if (!BlobStore.isHash(blobHash)) {
            throw new StoreException(INVALID, "not a body hash: " + blobHash);
        }
        String actual;
        try {
            actual = blobs.receive(blobHash, in);
        } catch (IOException e) {
            throw new StoreException(IO, "cannot store body " + blobHash + ": " + e.getMessage(), e);
        }
        if (!actual.equals(blobHash)) {
            throw new StoreException(IO, "body " + blobHash + " arrived with SHA-256 " + actual
                    + ": refused (damaged in transit or on the sender's disk)");
        }
    }

    @Override
    public long bodySize(String blobHash) {
        if (!BlobStore.isHash(blobHash)) {
            return -1;
        }
        try {
            return Files.size(blobs.path(blobHash));
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException e) {
            throw new StoreException(IO, "cannot read body " + blobHash + ": " + e.getMessage(), e);
        }
    }

    @Override
    public BodyCheck checkBodies() {
        return new BodyScan(blobs, reads).run();
    }

    @Override
    public CopyDigest copyDigest() {
        return reads.read(c -> CopyDigests.of(c, capture.tables()));
    }

    @Override
    public String contentDigest() {
        return reads.read(c -> ContentDigest.of(c, capture.tables()));
    }

    @Override
    public void rebuildSearchIndex() {
        search.rebuild();
    }

    int queuedWrites() {
        return writer.queued();
    }

    /** Group commits so far; fewer than writes when concurrent writers shared transactions. */
    long commits() {
        return writer.commits();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        writer.close();
        search.close();
        reads.close();
        try {
            lockFile.close(); // releases the lock
        } catch (IOException e) {
            log.warn("slot {}: closing the lock file failed", slotId, e);
        }
    }
}
