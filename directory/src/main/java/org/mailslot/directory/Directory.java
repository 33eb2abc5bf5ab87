package org.mailslot.directory;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The directory: domains, accounts, aliases, nodes and the slot map, in SQLite or PostgreSQL.
 *
 * <p>Thread-safe. Every method is one short transaction or read; failures are {@link DirectoryException}s
 * whose {@link DirectoryException#reason() reason} says what went wrong and whose message names the
 * thing. Addresses are normalized with {@link Addresses}; domain names are lower-case ASCII.
 */
public final class Directory implements AutoCloseable {

    private final Database db;
    private final Domains domains;
    private final Accounts accounts;
    private final Aliases aliases;
    private final Recipients recipients;
    private final SlotMap slots;
    private final Nodes nodes;
    private final SlotCopies copies;
    private final SlotEvents events;
    private final Scrubs scrubs;
    private final ClusterSetup cluster;
    private final Promotions promotions;
    private final Leases leases;
    private final Vips vips;

    private Directory(Database db, DirectorySettings settings, Clock clock) {
        this.db = db;
        PasswordHasher hasher = new PasswordHasher(settings.argon2MemoryKib(), settings.argon2Iterations(),
                settings.argon2Parallelism());
        this.domains = new Domains(db, clock);
        this.accounts = new Accounts(db, hasher, settings.rehashOnLogin(), clock);
        this.aliases = new Aliases(db, clock);
        this.recipients = new Recipients(db, settings.recipientDelimiter());
        this.slots = new SlotMap(db);
        this.nodes = new Nodes(db, clock);
        this.copies = new SlotCopies(db, clock);
        this.events = new SlotEvents(db, clock);
        this.cluster = new ClusterSetup(db, clock);
        this.promotions = new Promotions(db, clock);
        this.scrubs = new Scrubs(db, clock);
        this.leases = new Leases(db, clock);
        this.vips = new Vips(db, clock);
    }

    /** Connects and brings the schema up to date (Flyway); UNAVAILABLE when either fails. */
    public static Directory open(DirectorySettings settings) {
        return open(settings, Clock.systemUTC());
    }

    /** With the clock that times everything written (heartbeats, leases, events): tests move it. */
    public static Directory open(DirectorySettings settings, Clock clock) {
        Database db = Database.open(settings);
        try {
            return new Directory(db, settings, clock);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    // ---- domains

    /** Adds a hosted domain; INVALID when malformed, EXISTS when already hosted. */
    public Domain addDomain(String name) {
        return domains.add(name);
    }

    /** NOT_FOUND when not hosted; NOT_EMPTY while it has accounts or aliases. */
    public void removeDomain(String name) {
        domains.remove(name);
    }

    public List<Domain> listDomains() {
        return domains.list();
    }

    /** False for a malformed name too. */
    public boolean isHostedDomain(String name) {
        return domains.isHosted(name);
    }

    // ---- accounts

    /** Creates an account in the emptiest slot with an Argon2id hash of {@code password} (not cleared). */
    public Account addAccount(String address, char[] password, long quotaBytes) {
        return accounts.add(address, password, quotaBytes, 0);
    }

    /**
     * Creates an account in slot {@code slot} (0: the emptiest), for an operator who wants it on a given master;
     * NOT_FOUND when the slot does not exist.
     */
    public Account addAccount(String address, char[] password, long quotaBytes, int slot) {
        return accounts.add(address, password, quotaBytes, slot);
    }

    /** Creates an account with a Dovecot-style hash: {SHA512-CRYPT}, {SHA256-CRYPT}, {BLF-CRYPT}, {ARGON2ID}. */
    public Account importAccount(String address, String passwordHash, long quotaBytes) {
        return accounts.importAccount(address, passwordHash, quotaBytes, 0);
    }

    /** {@link #importAccount(String, String, long)} into slot {@code slot} (0: the emptiest). */
    public Account importAccount(String address, String passwordHash, long quotaBytes, int slot) {
        return accounts.importAccount(address, passwordHash, quotaBytes, slot);
    }

    public void setPassword(String address, char[] password) {
        accounts.setPassword(address, password);
    }

    /** Sets a Dovecot-style hash, as in {@link #importAccount}. */
    public void setPasswordHash(String address, String passwordHash) {
        accounts.setPasswordHash(address, passwordHash);
    }

    /** 0 means unlimited. */
    public void setQuota(String address, long quotaBytes) {
        accounts.setQuota(address, quotaBytes);
    }

    /** Removes the account and any alias that points at it; NOT_FOUND when there is none. */
    public void removeAccount(String address) {
        accounts.remove(address);
    }

    public Optional<Account> findAccount(String address) {
        return accounts.find(address);
    }

    public Optional<Account> findAccount(long id) {
        return accounts.find(id);
    }

    /** All accounts, or those of one hosted domain (NOT_FOUND when it is not hosted). */
    public List<Account> listAccounts(String domainOrNull) {
        return accounts.list(domainOrNull);
    }

    /**
     * The account when the password is right; empty for an unknown or malformed address or a wrong password,
     * in the same time. A legacy hash is replaced by Argon2id on success. The caller keeps and clears the array.
     */
    public Optional<Account> authenticate(String address, char[] password) {
        return accounts.authenticate(address, password);
    }

    // ---- aliases

    /**
     * Adds {@code source -> target}. The source ("user@dom" or "@dom") must be in a hosted domain and not
     * be an account; the target must be an account or alias source in a hosted domain (NOT_FOUND otherwise;
     * INVALID for other domains). EXISTS for a duplicate; INVALID for a loop.
     */
    public Alias addAlias(String source, String target) {
        return aliases.add(source, target);
    }

    /** NOT_FOUND when there is no such alias. */
    public void removeAlias(String source, String target) {
        aliases.remove(source, target);
    }

    public List<Alias> listAliases(String domainOrNull) {
        return aliases.list(domainOrNull);
    }

    /**
     * Accounts that mail to this address lands in: the account itself; else alias targets expanded
     * recursively (depth limit 8, deduplicated); else, if the local part holds the recipient delimiter, the
     * same lookup without "+tag"; else the domain's catch-all alias; else empty (unknown recipient).
     * INVALID for a malformed address.
     */
    public List<Account> resolveRecipient(String address) {
        return recipients.resolve(address);
    }

    // ---- nodes

    /** A node registering itself at start: adds it as a store node, or updates its address (roles stay). */
    public Node registerNode(String name, String address) {
        return nodes.register(name, address);
    }

    /** The operator adding a node before it first starts; EXISTS when known, INVALID without a role. */
    public Node addNode(String name, String address, Set<NodeRole> roles) {
        return nodes.add(name, address, roles);
    }

    /** All nodes, by name. */
    public List<Node> listNodes() {
        return nodes.list();
    }

    /** Records that the node was alive at {@code at}; NOT_FOUND for an unknown node. */
    public void nodeHeartbeat(String name, Instant at) {
        nodes.heartbeat(name, at);
    }

    /** NOT_FOUND for an unknown node. The state is recorded, nothing else: moving slots is the caller's job. */
    public void setNodeState(String name, NodeState state) {
        nodes.setState(name, state);
    }

    // ---- slots

    /**
     * Creates the slots 1..count that do not exist yet, mastered by {@code masterNode} (NOT_FOUND unless
     * registered), without replica, epoch 1, in sync. Existing slots are left alone.
     */
    public void ensureSlots(String masterNode, int count) {
        slots.ensureSlots(masterNode, count);
    }

    public List<Slot> listSlots() {
        return slots.listSlots();
    }

    public Optional<Slot> slot(int id) {
        return slots.slot(id);
    }

    /** Number of accounts in every slot, empty slots included, by slot id. */
    public Map<Integer, Integer> accountsPerSlot() {
        return slots.accountsPerSlot();
    }

    /**
     * Spreads the slots over the store nodes so that every ordered (master, replica) pair of them holds
     * {@code slotsPerPair} slots, as {@code layout} (the cluster module's placement) decides: existing slots
     * keep their id, accounts and master, those without a replica get one (out of sync until it has copied
     * the slot, recorded as a slot event), and new empty slots are added. One transaction. INVALID with fewer
     * than two store nodes, or when the existing slots cannot be extended without moving a copy (the message
     * says what would work; otherwise a rebalance must move copies).
     */
    public ClusterInit initCluster(int slotsPerPair, SlotLayout layout) {
        return cluster.init(slotsPerPair, layout);
    }

    // ---- replication state

    /**
     * Records how far {@code node}'s copy of {@code slot} has applied the slot's change log and how far behind
     * its master it is; NOT_FOUND for an unknown slot or node, INVALID for negative numbers.
     */
    public CopyPosition reportCopy(int slot, String node, long appliedSeq, long lagMs) {
        return copies.report(slot, node, appliedSeq, lagMs);
    }

    /** Every copy position reported, by slot then node; a row may be left from a copy that moved away. */
    public List<CopyPosition> listCopies() {
        return copies.list();
    }

    /**
     * Adds to a slot's history: {@code kind} a short lower-case word ("failover", "forced-promotion"),
     * {@code detail} text for people (what was lost, who asked), or null. NOT_FOUND for an unknown slot.
     */
    public SlotEvent recordSlotEvent(int slot, String kind, String detail) {
        return events.record(slot, kind, detail);
    }

    /** A slot's history, oldest first; NOT_FOUND for an unknown slot. */
    public List<SlotEvent> listSlotEvents(int slot) {
        return events.list(slot);
    }

    /**
     * Sets the slot's in-sync flag, but only while the slot is still at {@code epoch}: false means a newer master
     * exists and the caller must stop (DESIGN.md section 5, invariants 1 and 2). A replica falling out of sync is
     * recorded as an event with {@code reason}. NOT_FOUND for an unknown slot.
     */
    public boolean markReplicaInSync(int slot, long epoch, boolean inSync, String reason) {
        return promotions.markInSync(slot, epoch, inSync, reason);
    }

    /**
     * Promotes the slot's replica: epoch + 1 and master/replica swapped in one transaction (invariant 3). Refused
     * (INVALID) when the slot is not at {@code expectedEpoch} (0: any), has no replica, or its replica is out of sync
     * and {@code force} is false; a forced promotion is recorded with what may have been lost. {@code planned}: a
     * switchover after the caller confirmed the replica has every change, so the old master stays in sync.
     */
    public Slot promoteReplica(int slot, long expectedEpoch, boolean force, boolean planned, String why) {
        return promotions.promote(slot, expectedEpoch, force, planned, why);
    }

    /**
     * Asks the slot's master node to switch over to the replica: at its next role refresh it stops taking writes,
     * sees every one of them on the replica, and promotes it ({@link #promoteReplica} with {@code planned}). INVALID
     * when the slot has no replica or it is out of sync; NOT_FOUND for an unknown slot.
     */
    public void requestSwitchover(int slot) {
        promotions.requestSwitchover(slot);
    }

    /**
     * Moves the slot's replica to {@code newReplica} (a copy move of a rebalance or of adding a node): recorded out of
     * sync until the slot's master has shipped it every change. INVALID when the slot moved on from
     * {@code expectedEpoch} or the node already holds a copy; NOT_FOUND for an unknown slot or node.
     */
    public Slot moveReplica(int slot, long expectedEpoch, String newReplica) {
        return promotions.moveReplica(slot, expectedEpoch, newReplica);
    }

    /** Slots whose switchover is asked for and not done yet. */
    public List<Integer> pendingSwitchovers() {
        return promotions.pendingSwitchovers();
    }

    /**
     * Asks the slot's master node to scrub it (DESIGN.md section 5, invariant 5): at its next role refresh it compares
     * the slot's two copies, mends damaged or missing bodies from the good copy, and records a "scrub" event with what
     * it found ({@link #recordScrub}), which clears this request. A request already pending is returned as it is.
     * NOT_FOUND for an unknown slot.
     */
    public ScrubRequest requestScrub(int slot) {
        return scrubs.request(slot);
    }

    /** Scrubs asked for and not done yet, by slot. */
    public List<ScrubRequest> pendingScrubs() {
        return scrubs.pending();
    }

    /**
     * Records a scrub of the slot as a "scrub" event ({@code detail}: what it found, cut to the event's 4,000
     * characters) and clears {@code answered}, the request the scrub started after (null for a scheduled scrub), in
     * one transaction, unless a newer request replaced it meanwhile. NOT_FOUND for an unknown slot.
     */
    public SlotEvent recordScrub(int slot, ScrubRequest answered, String detail) {
        return scrubs.record(slot, answered, detail);
    }

    /**
     * Takes or renews the named lease for {@code ttl}: true while {@code owner} holds it, false when another owner
     * holds one that has not run out. Two callers racing for a free lease: the database lets exactly one win.
     */
    public boolean acquireLease(String name, String owner, java.time.Duration ttl) {
        return leases.acquire(name, owner, ttl);
    }

    /** Gives up the named lease if {@code owner} holds it, so that another owner may take it at once. */
    public void releaseLease(String name, String owner) {
        leases.release(name, owner);
    }

    // ---- VIPs (DESIGN.md section 6)

    /**
     * Adds a service address that DNS hands out and a live front will hold; {@code interfaceName} (null: the front's
     * vip.interface) is where the linux IP manager adds it. INVALID for anything but an IPv4 or IPv6 address a front
     * can serve on, EXISTS when known.
     */
    public Vip addVip(String address, String interfaceName) {
        return vips.add(address, interfaceName);
    }

    /** NOT_FOUND when unknown. Its holder removes the address at its next poll. */
    public void removeVip(String address) {
        vips.remove(address);
    }

    /** Every VIP, IPv4 before IPv6, each in numeric order. */
    public List<Vip> listVips() {
        return vips.list();
    }

    /** A front's VIP agent is alive at {@code at}; null: it stopped cleanly and holds nothing. NOT_FOUND for an unknown node. */
    public void vipHeartbeat(String node, Instant at) {
        vips.heartbeat(node, at);
    }

    /** Nodes with the front role or a VIP heartbeat, by name, with their VIP agents' last heartbeats. */
    public List<VipFront> listVipFronts() {
        return vips.fronts();
    }

    /**
     * Gives the VIP to {@code newOwner} (null: nobody), cancelling any planned move, if its holder is still
     * {@code expectedOwner}; false otherwise. For the VIP manager: only when the holder is dead or there is none.
     * NOT_FOUND for an unknown VIP or node.
     */
    public boolean assignVip(String address, String expectedOwner, String newOwner) {
        return vips.assign(address, expectedOwner, newOwner);
    }

    /**
     * Asks the live holder {@code owner} to hand the VIP to {@code movingTo} (null: cancels the move) once it has removed
     * the address; false when {@code owner} no longer holds it. NOT_FOUND for an unknown VIP or node.
     */
    public boolean planVipMove(String address, String owner, String movingTo) {
        return vips.planMove(address, owner, movingTo);
    }

    /**
     * The holder {@code owner}, after removing the address, hands the VIP to {@code expectedMovingTo} (null: to nobody)
     * if it still holds it and that is still the planned move; false otherwise (the holder then still holds it).
     */
    public boolean releaseVip(String address, String owner, String expectedMovingTo) {
        return vips.release(address, owner, expectedMovingTo);
    }

    // ---- DKIM keys

    /**
     * Makes a new RSA key of {@code bits} (1024..4096, 2048 advised) for the hosted {@code domain} under
     * {@code selector} and makes it the domain's active signing key (the previous one stays, inactive). INVALID for a
     * bad selector or size, NOT_FOUND when the domain is not hosted, EXISTS when the selector is taken.
     */
    public DkimKey generateDkimKey(String domain, String selector, int bits) {
        return dkimKeys().generate(domain, selector, bits);
    }

    /** Imports an RSA key (PKCS#8 PEM) as the domain's active signing key; errors as {@link #generateDkimKey}. */
    public DkimKey putDkimKey(String domain, String selector, String privateKeyPem) {
        return dkimKeys().put(domain, selector, privateKeyPem);
    }

    /** The key outbound mail from {@code domain} is signed with, if it has one. */
    public Optional<DkimKey> findDkimKey(String domain) {
        return dkimKeys().active(domain);
    }

    /** Every DKIM key of {@code domainOrNull} (null: of every domain), by domain, newest first. */
    public List<DkimKey> listDkimKeys(String domainOrNull) {
        return dkimKeys().list(domainOrNull);
    }

    private DkimKeys dkimKeys() {
        return new DkimKeys(db, Clock.systemUTC());
    }

    @Override
    public void close() {
        db.close();
    }
}
