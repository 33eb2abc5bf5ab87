package org.mailslot.protocols.imap.parse;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;

/**
 * One parsed IMAP command with typed arguments. Mailbox names are Unicode (decoded from modified UTF-7 for rev1
 * sessions) with "INBOX" normalized to upper case; strings are decoded as UTF-8 (SEARCH strings in the CHARSET
 * given). Optional values are null when absent unless stated otherwise. UID forms carry {@code uid = true}.
 */
public sealed interface ImapRequest {
    String tag();

    // --- any state ---
    record Capability(String tag) implements ImapRequest {}
    record Noop(String tag) implements ImapRequest {}
    record Logout(String tag) implements ImapRequest {}
    /** ID (RFC 2971): params null for "ID NIL"; values may be null (NIL). */
    record Id(String tag, List<IdParam> params) implements ImapRequest {}
    record IdParam(String field, String value) {}

    // --- not authenticated ---
    record StartTls(String tag) implements ImapRequest {}
    /** initialResponse: the SASL-IR argument as sent (base64, or "=" for an empty one), null when absent. */
    record Authenticate(String tag, String mechanism, String initialResponse) implements ImapRequest {}
    record Login(String tag, String user, String password) implements ImapRequest {}

    // --- authenticated ---
    /** capabilities upper-cased, in order. */
    record Enable(String tag, List<String> capabilities) implements ImapRequest {}
    /** SELECT (readOnly=false) or EXAMINE (readOnly=true), with CONDSTORE and QRESYNC parameters (RFC 7162). */
    record Select(String tag, String mailbox, boolean readOnly, boolean condStore, QResync qresync) implements ImapRequest {}
    /** QRESYNC (uidvalidity modseq [known-uids] [(known-sequence-set known-uid-set)]); the sets may be null. */
    record QResync(long uidValidity, long modSeq, SequenceSet knownUids, SequenceSet knownSequences, SequenceSet knownSequenceUids) {}
    /** specialUse: CREATE ... (USE (\Sent ...)) (RFC 6154), empty when absent. */
    record Create(String tag, String mailbox, List<String> specialUse) implements ImapRequest {}
    record Delete(String tag, String mailbox) implements ImapRequest {}
    record Rename(String tag, String from, String to) implements ImapRequest {}
    record Subscribe(String tag, String mailbox) implements ImapRequest {}
    record Unsubscribe(String tag, String mailbox) implements ImapRequest {}
    /**
     * LIST with LIST-EXTENDED (RFC 5258), SPECIAL-USE and LIST-STATUS. {@code extended} is true when selection or
     * return options were given or several patterns (the response then follows RFC 5258 rules). statusItems is
     * non-empty only with RETURN (STATUS (...)).
     */
    record ListMailboxes(String tag, String reference, List<String> patterns, Set<ListSelect> selection,
                         Set<ListReturn> returns, List<StatusItem> statusItems, boolean extended) implements ImapRequest {}
    record Lsub(String tag, String reference, String pattern) implements ImapRequest {}
    record Namespace(String tag) implements ImapRequest {}
    record Status(String tag, String mailbox, List<StatusItem> items) implements ImapRequest {}
    /** APPEND with MULTIAPPEND (RFC 3502): one or more messages. */
    record Append(String tag, String mailbox, List<AppendMessage> messages) implements ImapRequest {}
    /** flags empty when absent; internalDate null when absent; binary for literal8 (RFC 3516); utf8 for UTF8 (...) (RFC 6855). */
    record AppendMessage(List<String> flags, OffsetDateTime internalDate, byte[] content, boolean binary, boolean utf8) {}
    /** IDLE: the session then reads lines until {@link CommandParser#isDone}. */
    record Idle(String tag) implements ImapRequest {}
    /** GETQUOTA root (RFC 9208). */
    record GetQuota(String tag, String root) implements ImapRequest {}
    record GetQuotaRoot(String tag, String mailbox) implements ImapRequest {}
    /** SETQUOTA root (resource limit ...); resource names upper-cased. */
    record SetQuota(String tag, String root, List<QuotaLimit> limits) implements ImapRequest {}
    record QuotaLimit(String resource, long limit) {}
    /** COMPRESS mechanism (RFC 4978), upper-cased; only DEFLATE is defined. */
    record Compress(String tag, String mechanism) implements ImapRequest {}

    // --- selected ---
    /** CHECK (RFC 3501 only; treat as NOOP). */
    record Check(String tag) implements ImapRequest {}
    record Close(String tag) implements ImapRequest {}
    record Unselect(String tag) implements ImapRequest {}
    /** EXPUNGE, or UID EXPUNGE set (uidSet non-null). */
    record Expunge(String tag, SequenceSet uidSet) implements ImapRequest {}
    /**
     * SEARCH / UID SEARCH. returns null without RETURN (a plain rev1 "* SEARCH" answer unless IMAP4rev2 is
     * enabled); an empty RETURN () means ALL. charset as given (upper-cased), null when absent. key is an
     * {@link SearchKey.And} of the top-level keys.
     */
    record Search(String tag, boolean uid, Set<SearchReturn> returns, String charset, SearchKey key) implements ImapRequest {}
    /** FETCH; changedSince -1 when absent; vanished for (CHANGEDSINCE n VANISHED) (UID FETCH only, QRESYNC). */
    record Fetch(String tag, boolean uid, SequenceSet set, List<FetchAttribute> attributes, long changedSince,
                 boolean vanished) implements ImapRequest {}
    /** STORE; unchangedSince -1 when absent. flags with system flags in canonical case. */
    record Store(String tag, boolean uid, SequenceSet set, long unchangedSince, StoreMode mode, boolean silent,
                 List<String> flags) implements ImapRequest {}
    record Copy(String tag, boolean uid, SequenceSet set, String mailbox) implements ImapRequest {}
    record Move(String tag, boolean uid, SequenceSet set, String mailbox) implements ImapRequest {}
    /** SORT (RFC 5256), with ESORT RETURN options (null when absent). */
    record Sort(String tag, boolean uid, Set<SearchReturn> returns, List<SortCriterion> criteria, String charset,
                SearchKey key) implements ImapRequest {}
    record SortCriterion(SortKey key, boolean reverse) {}
    record Thread(String tag, boolean uid, ThreadAlgorithm algorithm, String charset, SearchKey key) implements ImapRequest {}

    enum ListSelect { SUBSCRIBED, REMOTE, RECURSIVEMATCH, SPECIAL_USE }
    enum ListReturn { SUBSCRIBED, CHILDREN, SPECIAL_USE, STATUS }
    enum StatusItem { MESSAGES, UIDNEXT, UIDVALIDITY, UNSEEN, DELETED, SIZE, RECENT, HIGHESTMODSEQ, APPENDLIMIT, MAILBOXID }
    enum SearchReturn { MIN, MAX, ALL, COUNT, SAVE }
    enum StoreMode { REPLACE, ADD, REMOVE }
    enum SortKey { ARRIVAL, CC, DATE, FROM, SIZE, SUBJECT, TO, DISPLAYFROM, DISPLAYTO }
    enum ThreadAlgorithm { ORDEREDSUBJECT, REFERENCES }
}
