package org.mailslot.store.replication;

/**
 * The replication link, version 1: how a slot's master ships its change log and bodies to the node holding the
 * slot's replica copy (DESIGN.md section 5). The master connects ({@link ReplicationClient}), the replica listens
 * ({@link ReplicationServer}). One connection carries one slot at one epoch.
 *
 * <h2>1. Transport</h2>
 * TCP, or TLS 1.3/1.2 over it when the replica's listener has a certificate; TLS, when on, starts at once, before any
 * frame. Everything after is a sequence of frames in both directions. The master speaks first and waits for each
 * answer before it sends the next request: there is no pipelining.
 *
 * <h2>2. Frames</h2>
 * <pre>
 *   frame  = type:u8  length:u32  body:length octets
 * </pre>
 * Integers are big-endian; {@code u8/u16/u32} unsigned, {@code i64} signed two's complement. Inside a body:
 * {@code str} = {@code u16} length + that many octets of UTF-8; {@code hash} = 32 octets (a SHA-256, a nonce or an
 * HMAC-SHA256 proof). A body must hold exactly its fields: fewer or more octets, invalid UTF-8, a negative seq,
 * epoch, slot id or size make the frame malformed.
 *
 * <h3>2.1 Limits</h3>
 * <ul>
 *   <li>Every frame but CHANGES: body at most 4,096 octets ({@code Frame.MAX_CONTROL_BYTES}). Node names and record
 *       kinds at most 255 octets, reasons at most 1,024 (a sender cuts longer ones).</li>
 *   <li>CHANGES: body at most {@code replication.max-batch-bytes} (default 256 MiB), at most
 *       {@code replication.max-batch-records} records (default 1,000).</li>
 *   <li>Bodies after SEND: at most {@code replication.max-body-bytes} (default 4 GiB), streamed to disk.</li>
 * </ul>
 * The receiver checks a frame's type and length before reading its body: an unknown type or a length over the
 * limit is answered at once. The replica announces its three limits in AUTH_OK; the master splits batches to fit
 * and refuses to send a record or body that cannot fit.
 *
 * <h3>2.2 Frame types</h3>
 * <pre>
 *   code  name       from     body
 *   0x01  HELLO      master   magic "MSRP" (4 octets), version:u8, nonce:hash
 *   0x02  CHALLENGE  replica  version:u8, nonce:hash
 *   0x03  AUTH       master   proof:hash
 *   0x04  AUTH_OK    replica  proof:hash, maxBatchRecords:u32, maxBatchBytes:u32, maxBodyBytes:i64
 *   0x05  OPEN       master   slotId:u32, epoch:i64, senderNode:str
 *   0x06  POS        replica  lastSeq:i64, lastEpoch:i64
 *   0x07  REFUSED    replica  reason:str
 *   0x10  BODY       master   hash:hash, size:i64
 *   0x11  HAVE       replica  (empty)
 *   0x12  SEND       replica  (empty)
 *   0x13  STORED     replica  (empty)
 *   0x14  MISSING    replica  (empty)
 *   0x20  CHANGES    master   count:u32, count x record
 *                             record = seq:i64, epoch:i64, crc32c:u32, kind:str, payloadLength:u32, payload
 *   0x21  ACK        replica  lastSeq:i64
 *   0x30  RESET      master   (empty)
 *   0x40  DIGEST     master   progressMillis:u32
 *   0x41  MAILBOXES  replica  count:u16, count x (mailboxId:i64, digest:hash)
 *   0x42  DIGESTED   replica  seq:i64, content:hash, mailboxes:u32
 *   0x43  CHECK      master   progressMillis:u32
 *   0x44  DAMAGED    replica  count:u16, count x (hash:hash, size:i64, kind:u8)
 *   0x45  CHECKED    replica  checked:i64, damaged:u32
 *   0x46  WORKING    replica  (empty)
 *   0x47  REPAIR     master   hash:hash, size:i64
 *   0x48  FETCH      master   hash:hash
 *   0x7F  ERR        replica  code:u8, reason:str
 * </pre>
 *
 * <h2>3. Handshake</h2>
 * <pre>
 *   master                                   replica
 *   HELLO(magic, 1, Nm)            --&gt;
 *                                  &lt;--       CHALLENGE(1, Nr)            or ERR(VERSION)
 *   AUTH(Pm)                       --&gt;
 *                                  &lt;--       AUTH_OK(Pr, limits)         or ERR(AUTH_FAILED), close
 *   OPEN(slot, epoch, node)        --&gt;
 *                                  &lt;--       POS(lastSeq, lastEpoch)     or REFUSED(reason), close
 * </pre>
 * {@code Nm}, {@code Nr}: 32 fresh random octets from each side. HELLO carries the highest version the master speaks;
 * CHALLENGE the version chosen (this document: 1). The proofs are
 * <pre>
 *   Pm = HMAC-SHA256(secret, "mailslot-replication/1 client" || 0x00 || Nm || Nr || B)
 *   Pr = HMAC-SHA256(secret, "mailslot-replication/1 server" || 0x00 || Nm || Nr || B)
 * </pre>
 * with the cluster secret (at least 16 octets, the same on every node) as key. {@code B} is the channel binding: on
 * TLS, 32 octets of exported keying material (RFC 5705, RFC 8446 section 7.5) with the label
 * {@code "EXPORTER-mailslot-replication"} and no context; on plain TCP, empty. Each side compares the other's proof in
 * constant time. So the secret never travels, a recorded session cannot be replayed (the other side's nonce is new),
 * a proof cannot be reflected (the roles differ), and a proof made on one TLS connection fails on another, so a man in
 * the middle who terminates TLS on both sides gets nowhere even without certificate checks. The replica proves itself
 * only after the master has: an unauthenticated peer learns nothing. A master that gets a wrong Pr closes the link
 * without sending OPEN.
 *
 * <p>OPEN names the slot and the epoch the master holds it at. The replica asks its {@link ReplicaSlots}; REFUSED
 * means this node is not the slot's replica, or knows a higher epoch (the sender is a stale master). POS gives the
 * replica copy's last applied seq and the epoch of its change record at that seq (-1 when it has none to show: an
 * empty or truncated log). The master checks once per link, before it ships anything, that its own record at that seq
 * has the same epoch and that the replica is not ahead of it; otherwise the logs diverged (a master that committed and
 * crashed before shipping was replaced) and the link fails with RESYNC_NEEDED, before anything is applied: the
 * master then resyncs the replica (section 5).
 *
 * <p>The whole handshake, TLS included, must end within {@code replication.handshake-timeout} (default 10 s) of the
 * accept, or the replica closes the connection.
 *
 * <h2>4. Shipping</h2>
 * <pre>
 *   BODY(hash, size)               --&gt;
 *                                  &lt;--       HAVE                        (the replica has it: next)
 *                                  &lt;--       SEND                        then:
 *   size octets, unframed          --&gt;
 *                                  &lt;--       STORED                      or ERR(BODY_REFUSED), close
 *   CHANGES(records)               --&gt;
 *                                  &lt;--       ACK(lastSeq)                or ERR(...), close
 * </pre>
 * Before a batch the master offers every body its records' message rows name (hash and size from the row), and the
 * replica stores each one only if the octets hash to the offered SHA-256 (invariant 5). Then CHANGES: the replica
 * asks {@link ReplicaSlots} again (the epoch may have moved on since OPEN: REFUSED), refuses records from an epoch
 * above the link's (REFUSED) or whose seqs do not follow each other (MALFORMED), answers RESYNC_NEEDED when its last
 * seq is below the batch's first new one minus one, and applies the batch in one durable transaction (records at or
 * below its last seq are skipped, so a batch sent again is harmless). ACK carries its last seq after the commit. A
 * CHANGES with no records is a round trip that re-checks the epoch: a master of a quiet slot can send one to keep the
 * link within the replica's {@code replication.idle-timeout} (default 1 h).
 *
 * <p>Records from epochs below the link's are accepted: they are the master's history (written before a role change,
 * or applied from the previous master) and a returning or new copy needs them.
 *
 * <h2>5. Full resync</h2>
 * <pre>
 *   RESET                          --&gt;
 *                                  &lt;--       ACK(0)                      or ERR(REFUSED / APPLY_FAILED), close
 * </pre>
 * A master whose link failed with RESYNC_NEEDED opens a new link and sends RESET before anything else. The replica
 * asks {@link ReplicaSlots} again (REFUSED as for CHANGES), then empties its copy in one durable transaction: every
 * replicated row, its change log and the log's high-water mark; it keeps its epoch and its bodies. A copy that is not
 * a replica refuses (REFUSED). ACK carries the replica's seq afterwards, 0; the master then ships its log from seq 1
 * as in section 4 (bodies the replica still has are answered HAVE, so they do not travel again). Version 1 ships the
 * log, not a snapshot: the master's log must still begin at seq 1, which holds while logs are never truncated.
 *
 * <p>The replica stays recorded out of sync in the directory until the master has shipped everything. If the link
 * or the replica fails in the middle, the copy holds a prefix of the master's log, so the next link's POS agrees with
 * the master and shipping simply continues from there; no second RESET is needed.
 *
 * <h2>6. Scrub</h2>
 * The master of a slot compares the two copies now and then and mends a damaged body from the good copy (DESIGN.md
 * section 5, invariant 5). Any open link can carry these requests; a scrub uses a link of its own.
 * <pre>
 *   DIGEST(progressMillis)         --&gt;
 *                                  &lt;--       WORKING ... MAILBOXES ... DIGESTED(seq, content, n)
 *   CHECK(progressMillis)          --&gt;
 *                                  &lt;--       WORKING ... DAMAGED ... CHECKED(checked, n)
 *   REPAIR(hash, size)             --&gt;
 *                                  &lt;--       SEND
 *   size octets, unframed          --&gt;
 *                                  &lt;--       STORED                      or ERR(BODY_REFUSED), close
 *   FETCH(hash)                    --&gt;
 *                                  &lt;--       BODY(hash, size), then size octets unframed, or MISSING
 * </pre>
 * DIGEST asks for the replica copy's digests ({@code org.mailslot.store.CopyDigest} defines them): one read snapshot
 * gives its last seq, the SHA-256 of every replicated row ({@code content}) and a SHA-256 per mailbox over its message
 * rows. They come in MAILBOXES frames of at most 96 entries, ascending mailbox id, and DIGESTED ends the answer with the
 * seq, the content digest and the number of entries sent (a master that counts another number fails the link,
 * MALFORMED). CHECK asks the replica to re-hash every body its message rows need (visible and expunged messages); the
 * ones missing (kind 1) or whose octets no longer hash to their name (kind 2, also an unreadable file) come in DAMAGED
 * frames of at most 96 entries with the rows' size, and CHECKED ends the answer with the number of bodies re-hashed and
 * of entries sent. Both answers can take as long as reading the copy takes: meanwhile the replica sends WORKING at
 * least every {@code progressMillis} (1..3,600,000; the master asks for half its reply timeout), so the master's reply
 * timeout measures silence, not the slot's size.
 *
 * <p>REPAIR sends the master's body to replace the replica's (damaged or missing): unlike BODY it is always answered
 * SEND, and the replica stores the octets only if they hash to the name, replacing its file of that name; otherwise
 * ERR(BODY_REFUSED). FETCH asks for the replica's body when the master's is damaged: BODY with the size of the
 * replica's file, then the octets, which the master stores only if they hash to the name (a body that does not, or a
 * size over {@code replication.max-body-bytes}, ends the link); MISSING when the replica has no file of that name. The
 * master fetches only bodies the replica's CHECK found good. These requests read the copy or store content-addressed
 * bodies only: they are served at whatever epoch the link was opened.
 *
 * <p>Comparing the answers is the master's business (DESIGN.md section 5): bodies damaged on one side are mended from
 * the other, and rows that differ (a mailbox's digest, or the content digest at the same seq) are reported, never
 * patched: the master has the replica resynced (section 5).
 *
 * <h2>7. Errors</h2>
 * ERR is always the replica's last frame: it closes the connection after it. The master treats any failure as the end
 * of the link and opens a new one. Codes:
 * <pre>
 *   1 MALFORMED      unparsable frame, unknown type, a frame not allowed at that point, records out of sequence
 *   2 TOO_LARGE      a frame, batch or body over the limits of section 2.1
 *   3 AUTH_FAILED    wrong proof
 *   4 VERSION        no version in common
 *   5 TIMEOUT        handshake or idle timeout
 *   6 RESYNC_NEEDED  the replica's log does not continue the master's: only a full resync helps
 *   7 BODY_REFUSED   a body's octets do not hash to its name, or could not be stored
 *   8 APPLY_FAILED   the store refused the batch or the reset (checksum, missing body, unknown columns, I/O)
 *   9 REFUSED        the epoch moved on, a record is from a later epoch than the link's, or a RESET reached a copy
 *                    that is not a replica
 *  10 BUSY           replication.max-connections links are open
 *  11 INTERNAL       a fault on the replica (its log has an incident id)
 * </pre>
 * The master's own timeouts: {@code replication.connect-timeout} for the TCP connection and
 * {@code replication.reply-timeout} for each answer and for each write that the replica does not read.
 */
final class ReplicationProtocol {
    private ReplicationProtocol() {
    }
}
