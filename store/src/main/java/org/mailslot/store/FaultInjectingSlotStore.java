package org.mailslot.store;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The SQLite slot store with crash points for durability tests: arm a {@link FaultPoint} and the next
 * write that reaches it fails there with {@code StoreException(IO)}, exactly as if the process had died
 * at that moment (what is on disk stays as it was).
 */
public final class FaultInjectingSlotStore implements SlotStore {

    /** Where a write can be made to fail. */
    public enum FaultPoint {
        /** The body is written, fsynced and renamed, but no row has been queued. */
        AFTER_BLOB_WRITE,
        /** Every request of the group commit ran, the transaction has not committed (it rolls back). */
        BEFORE_COMMIT,
        /** The transaction committed, but the callers are never told (a crash before the reply). */
        AFTER_COMMIT
    }

    /** The exit status of a JVM halted by {@link #haltOnce}. */
    public static final int CRASH_EXIT_STATUS = 86;

    private final AtomicReference<FaultPoint> armed = new AtomicReference<>();
    private final AtomicReference<FaultPoint> haltArmed = new AtomicReference<>();
    private final SqliteSlotStore delegate;

    private FaultInjectingSlotStore(Path slotDir, int slotId, StoreSettings settings) {
        this.delegate = new SqliteSlotStore(slotDir, slotId, settings, this::hit, Clock.systemUTC());
    }

    public static FaultInjectingSlotStore open(Path slotDir, int slotId, StoreSettings settings) {
        return new FaultInjectingSlotStore(slotDir, slotId, settings);
    }

    /** The next write that reaches {@code point} fails there; one shot. */
    public void failOnce(FaultPoint point) {
        armed.set(point);
    }

    /** The next write that reaches {@code point} halts the whole JVM there: no finally block, no reply, no hook. */
    public void haltOnce(FaultPoint point) {
        haltArmed.set(point);
    }

    public void disarm() {
        armed.set(null);
        haltArmed.set(null);
    }

    private void hit(FaultPoint point) {
        if (haltArmed.compareAndSet(point, null)) {
            Runtime.getRuntime().halt(CRASH_EXIT_STATUS);
        }
        if (armed.compareAndSet(point, null)) {
            throw new StoreException(StoreException.Reason.IO, "injected fault at " + point);
        }
    }

    @Override
    public int slotId() {
        return delegate.slotId();
    }

    @Override
    public long epoch() {
        return delegate.epoch();
    }

    @Override
    public void createAccount(long accountId) {
        delegate.createAccount(accountId);
    }

    @Override
    public void deleteAccount(long accountId) {
        delegate.deleteAccount(accountId);
    }

    @Override
    public List<Mailbox> mailboxes(long accountId) {
        return delegate.mailboxes(accountId);
    }

    @Override
    public Optional<Mailbox> mailbox(long accountId, String name) {
        return delegate.mailbox(accountId, name);
    }

    @Override
    public MailboxStatus status(long mailboxId) {
        return delegate.status(mailboxId);
    }

    @Override
    public Mailbox createMailbox(long accountId, String name, SpecialUse use) {
        return delegate.createMailbox(accountId, name, use);
    }

    @Override
    public void renameMailbox(long accountId, String from, String to) {
        delegate.renameMailbox(accountId, from, to);
    }

    @Override
    public void deleteMailbox(long accountId, String name) {
        delegate.deleteMailbox(accountId, name);
    }

    @Override
    public void setSubscribed(long accountId, String name, boolean subscribed) {
        delegate.setSubscribed(accountId, name, subscribed);
    }

    @Override
    public List<DeliveryOutcome> deliver(MessageContent body, Instant internalDate, List<DeliveryTarget> targets) {
        return delegate.deliver(body, internalDate, targets);
    }

    @Override
    public AppendResult append(long accountId, String mailbox, MessageContent body, Set<String> flags,
                               Instant internalDate, long quotaBytes) {
        return delegate.append(accountId, mailbox, body, flags, internalDate, quotaBytes);
    }

    @Override
    public List<MessageMeta> storeFlags(long mailboxId, Collection<Long> uids, FlagOp op, Set<String> flags) {
        return delegate.storeFlags(mailboxId, uids, op, flags);
    }

    @Override
    public List<AppendResult> copy(long fromMailboxId, Collection<Long> uids, long toMailboxId, long quotaBytes) {
        return delegate.copy(fromMailboxId, uids, toMailboxId, quotaBytes);
    }

    @Override
    public void expunge(long mailboxId, Collection<Long> uids) {
        delegate.expunge(mailboxId, uids);
    }

    @Override
    public int restore(long accountId, Instant expungedSince) {
        return delegate.restore(accountId, expungedSince);
    }

    @Override
    public int purgeExpunged(Instant now) {
        return delegate.purgeExpunged(now);
    }

    @Override
    public long submit(long accountId, String sender, List<String> recipients, MessageContent content,
                       Instant internalDate, Instant expiresAt, long quotaBytes, boolean saveToSent) {
        return delegate.submit(accountId, sender, recipients, content, internalDate, expiresAt, quotaBytes, saveToSent);
    }

    @Override
    public List<OutboundEntry> dueOutbound(Instant now, int limit) {
        return delegate.dueOutbound(now, limit);
    }

    @Override
    public Optional<OutboundEntry> outbound(long queueId) {
        return delegate.outbound(queueId);
    }

    @Override
    public Optional<OutboundEntry> claimOutbound(long queueId, Instant now, Instant retryAt) {
        return delegate.claimOutbound(queueId, now, retryAt);
    }

    @Override
    public Optional<OutboundEntry> recordOutboundAttempt(long queueId, List<OutboundOutcome> outcomes,
                                                         OutboundNotice notice) {
        return delegate.recordOutboundAttempt(queueId, outcomes, notice);
    }

    @Override
    public int flushOutbound(Instant now) {
        return delegate.flushOutbound(now);
    }

    @Override
    public boolean deleteOutbound(long queueId) {
        return delegate.deleteOutbound(queueId);
    }

    @Override
    public List<MessageMeta> messages(long mailboxId) {
        return delegate.messages(mailboxId);
    }

    @Override
    public List<MessageMeta> messages(long mailboxId, long fromUid, long toUid) {
        return delegate.messages(mailboxId, fromUid, toUid);
    }

    @Override
    public Map<Long, byte[]> headers(long mailboxId, long fromUid, long toUid) {
        return delegate.headers(mailboxId, fromUid, toUid);
    }

    @Override
    public List<MessageMeta> summaries(long mailboxId) {
        return delegate.summaries(mailboxId);
    }

    @Override
    public Optional<MessageMeta> message(long mailboxId, long uid) {
        return delegate.message(mailboxId, uid);
    }

    @Override
    public List<Long> expungedSince(long mailboxId, long sinceModSeq) {
        return delegate.expungedSince(mailboxId, sinceModSeq);
    }

    @Override
    public InputStream openBody(String blobHash) {
        return delegate.openBody(blobHash);
    }

    @Override
    public QuotaUsage quotaUsage(long accountId) {
        return delegate.quotaUsage(accountId);
    }

    @Override
    public List<ChangeRecord> changesSince(long seq, int max) {
        return delegate.changesSince(seq, max);
    }

    @Override
    public long lastChangeSeq() {
        return delegate.lastChangeSeq();
    }

    @Override
    public int applyChanges(List<ChangeRecord> records) {
        return delegate.applyChanges(records);
    }

    @Override
    public void resetForResync() {
        delegate.resetForResync();
    }

    @Override
    public CopyRole role() {
        return delegate.role();
    }

    @Override
    public void becomeMaster(long epoch, CommitShipper shipper) {
        delegate.becomeMaster(epoch, shipper);
    }

    @Override
    public void becomeReplica(long epoch) {
        delegate.becomeReplica(epoch);
    }

    @Override
    public void fence() {
        delegate.fence();
    }

    @Override
    public boolean hasBody(String blobHash) {
        return delegate.hasBody(blobHash);
    }

    @Override
    public void receiveBody(String blobHash, InputStream in) {
        delegate.receiveBody(blobHash, in);
    }

    @Override
    public String contentDigest() {
        return delegate.contentDigest();
    }

    @Override
    public long bodySize(String blobHash) {
        return delegate.bodySize(blobHash);
    }

    @Override
    public CopyDigest copyDigest() {
        return delegate.copyDigest();
    }

    @Override
    public BodyCheck checkBodies() {
        return delegate.checkBodies();
    }

    @Override
    public VerifyReport verify() {
        return delegate.verify();
    }

    @Override
    public void addChangeListener(Consumer<ChangeRecord> listener) {
        delegate.addChangeListener(listener);
    }

    @Override
    public long firstUnseenUid(long mailboxId) {
        return delegate.firstUnseenUid(mailboxId);
    }

    @Override
    public List<AppendResult> appendAll(long accountId, String mailbox, List<AppendRequest> messages,
                                        long quotaBytes) {
        return delegate.appendAll(accountId, mailbox, messages, quotaBytes);
    }

    @Override
    public StoreFlagsResult storeFlags(long mailboxId, Collection<Long> uids, FlagOp op, Set<String> flags,
                                       long unchangedSince) {
        return delegate.storeFlags(mailboxId, uids, op, flags, unchangedSince);
    }

    @Override
    public List<MoveResult> move(long fromMailboxId, Collection<Long> uids, long toMailboxId, long quotaBytes) {
        return delegate.move(fromMailboxId, uids, toMailboxId, quotaBytes);
    }

    @Override
    public List<MessageFlags> flagsAndUids(long mailboxId) {
        return delegate.flagsAndUids(mailboxId);
    }

    @Override
    public List<MessageMeta> changedSince(long mailboxId, long modSeq) {
        return delegate.changedSince(mailboxId, modSeq);
    }

    @Override
    public void addMailboxListener(MailboxListener listener) {
        delegate.addMailboxListener(listener);
    }

    @Override
    public void removeMailboxListener(MailboxListener listener) {
        delegate.removeMailboxListener(listener);
    }

    @Override
    public Set<Long> searchText(long mailboxId, String needle, TextField field) {
        return delegate.searchText(mailboxId, needle, field);
    }

    @Override
    public void rebuildSearchIndex() {
        delegate.rebuildSearchIndex();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
