package org.mailslot.store;

import static org.mailslot.store.StoreException.Reason.EXISTS;
import static org.mailslot.store.StoreException.Reason.INVALID;
import static org.mailslot.store.StoreException.Reason.NOT_FOUND;
import static org.mailslot.store.StoreException.Reason.SPECIAL_USE;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Account and mailbox mutations, run by the writer inside a group commit. */
final class MailboxOps {
    record Default(String name, SpecialUse use) {}

    static final List<Default> DEFAULTS = List.of(
            new Default(MailboxNames.INBOX, SpecialUse.INBOX), new Default("Drafts", SpecialUse.DRAFTS),
            new Default("Sent", SpecialUse.SENT), new Default("Trash", SpecialUse.TRASH),
            new Default("Junk", SpecialUse.JUNK), new Default("Archive", SpecialUse.ARCHIVE));

    private MailboxOps() {}

    static Void createAccount(Tx tx, long accountId) throws SQLException {
        if (tx.update("INSERT OR IGNORE INTO account(id) VALUES (?)", accountId) > 0) {
            tx.change("account.create", Tx.payload("accountId", accountId));
        }
        for (Default d : DEFAULTS) {
            if (Sql.liveMailbox(tx.c(), accountId, d.name).isEmpty()) {
                insert(tx, accountId, d.name, d.use, true);
            }
        }
        return null;
    }

    static boolean accountExists(Tx tx, long accountId) throws SQLException {
        return tx.queryLong("SELECT count(*) FROM account WHERE id = ?", accountId) > 0;
    }

    static Void deleteAccount(Tx tx, long accountId) throws SQLException {
        for (Mailbox m : Sql.mailboxes(tx.c(), "account_id = ? AND deleted_at IS NULL", accountId)) {
            tx.touched(m.id(), m.highestModSeq());
        }
        tx.update("DELETE FROM message WHERE mailbox_id IN (SELECT id FROM mailbox WHERE account_id = ?)", accountId);
        tx.update("DELETE FROM mailbox WHERE account_id = ?", accountId);
        tx.update("DELETE FROM thread_msgid WHERE account_id = ?", accountId);
        OutboundOps.deleteForAccount(tx, accountId);
        if (tx.update("DELETE FROM account WHERE id = ?", accountId) > 0) {
            tx.change("account.delete", Tx.payload("accountId", accountId));
        }
        return null;
    }

    static Mailbox inbox(Tx tx, long accountId) throws SQLException {
        Optional<Mailbox> inbox = Sql.liveMailbox(tx.c(), accountId, MailboxNames.INBOX);
        if (inbox.isPresent()) {
            return inbox.get();
        }
        createAccount(tx, accountId);
        return Sql.liveMailbox(tx.c(), accountId, MailboxNames.INBOX).orElseThrow();
    }

    /** The account's live mailbox with special-use {@code use} (the oldest, should there be several). */
    static Optional<Mailbox> withSpecialUse(Tx tx, long accountId, SpecialUse use) throws SQLException {
        return Sql.mailboxes(tx.c(), "account_id = ? AND special_use = ? AND deleted_at IS NULL ORDER BY id",
                accountId, use.name()).stream().findFirst();
    }

    static Mailbox require(Tx tx, long accountId, String name) throws SQLException {
        String n = MailboxNames.normalize(name);
        return Sql.liveMailbox(tx.c(), accountId, n)
                .orElseThrow(() -> new StoreException(NOT_FOUND, "no mailbox " + name));
    }

    /** A new mailbox with a UIDVALIDITY never used before in this slot (seconds since epoch, bumped). */
    static Mailbox insert(Tx tx, long accountId, String name, SpecialUse use, boolean subscribed) throws SQLException {
        long last = tx.queryLong("SELECT value FROM meta WHERE key = 'last_uid_validity'");
        long uidValidity = Math.max(tx.nowMillis() / 1000, last + 1) & 0xffffffffL;
        if (uidValidity == 0) {
            uidValidity = 1;
        }
        tx.update("UPDATE meta SET value = ? WHERE key = 'last_uid_validity'", uidValidity);
        tx.update("INSERT INTO mailbox(account_id, name, special_use, uid_validity, uid_next, highest_modseq,"
                + " subscribed) VALUES (?, ?, ?, ?, 1, 1, ?)", accountId, name, use.name(), uidValidity, subscribed);
        long id = tx.queryLong("SELECT last_insert_rowid()");
        Mailbox m = new Mailbox(id, accountId, name, use, uidValidity, 1, 1, subscribed);
        tx.change("mailbox.create", mailboxPayload(m));
        return m;
    }

    static java.util.Map<String, Object> mailboxPayload(Mailbox m) {
        return Tx.payload("id", m.id(), "accountId", m.accountId(), "name", m.name(),
                "specialUse", m.specialUse().name(), "uidValidity", m.uidValidity(), "uidNext", m.uidNext(),
                "highestModSeq", m.highestModSeq(), "subscribed", m.subscribed());
    }

    static Mailbox create(Tx tx, long accountId, String name, SpecialUse use) throws SQLException {
        if (use == SpecialUse.INBOX) {
            throw new StoreException(INVALID, "INBOX special-use is reserved for INBOX");
        }
        String n = MailboxNames.normalize(name);
        if (!accountExists(tx, accountId)) {
            throw new StoreException(NOT_FOUND, "no account " + accountId);
        }
        if (Sql.liveMailbox(tx.c(), accountId, n).isPresent()) {
            throw new StoreException(EXISTS, "mailbox exists: " + n);
        }
        createParents(tx, accountId, n);
        return insert(tx, accountId, n, use == null ? SpecialUse.NONE : use, false);
    }

    private static void createParents(Tx tx, long accountId, String n) throws SQLException {
        for (String parent : MailboxNames.parents(n)) {
            if (Sql.liveMailbox(tx.c(), accountId, parent).isEmpty()) {
                insert(tx, accountId, parent, SpecialUse.NONE, false);
            }
        }
    }

    static Void rename(Tx tx, long accountId, String from, String to) throws SQLException {
        Mailbox source = require(tx, accountId, from);
        String target = MailboxNames.normalize(to);
        if (Sql.liveMailbox(tx.c(), accountId, target).isPresent()) {
            throw new StoreException(EXISTS, "mailbox exists: " + target);
        }
        if (MailboxNames.isInbox(source.name())) {
            createParents(tx, accountId, target);
            Mailbox moved = insert(tx, accountId, target, SpecialUse.NONE, false);
            MessageOps.moveAll(tx, source, moved);
            return null;
        }
        if (target.startsWith(source.name() + MailboxNames.DELIMITER) || MailboxNames.isInbox(target)) {
            throw new StoreException(INVALID, "cannot rename " + source.name() + " to " + target);
        }
        createParents(tx, accountId, target);
        String prefix = source.name() + MailboxNames.DELIMITER;
        for (Mailbox m : Sql.mailboxes(tx.c(), "account_id = ? AND deleted_at IS NULL AND (id = ? OR substr(name, 1, ?) = ?)",
                accountId, source.id(), prefix.length(), prefix)) {
            String newName = target + m.name().substring(source.name().length());
            if (m.id() != source.id() && Sql.liveMailbox(tx.c(), accountId, newName).isPresent()) {
                throw new StoreException(EXISTS, "mailbox exists: " + newName);
            }
            tx.update("UPDATE mailbox SET name = ? WHERE id = ?", newName, m.id());
            tx.change("mailbox.update", mailboxPayload(Sql.requireMailbox(tx.c(), m.id())));
        }
        return null;
    }

    static Void delete(Tx tx, long accountId, String name) throws SQLException {
        Mailbox m = require(tx, accountId, name);
        if (m.specialUse() != SpecialUse.NONE) {
            throw new StoreException(SPECIAL_USE, "cannot delete special-use mailbox " + m.name());
        }
        MessageOps.expungeAll(tx, m);
        tx.update("UPDATE mailbox SET deleted_at = ? WHERE id = ?", tx.nowMillis(), m.id());
        tx.touched(m.id(), Sql.mailboxes(tx.c(), "id = ?", m.id()).getFirst().highestModSeq());
        tx.change("mailbox.delete", Tx.payload("id", m.id(), "accountId", accountId, "name", m.name()));
        return null;
    }

    static Void subscribe(Tx tx, long accountId, String name, boolean subscribed) throws SQLException {
        Mailbox m = require(tx, accountId, name);
        if (m.subscribed() != subscribed) {
            tx.update("UPDATE mailbox SET subscribed = ? WHERE id = ?", subscribed, m.id());
            tx.change("mailbox.update", mailboxPayload(Sql.requireMailbox(tx.c(), m.id())));
        }
        return null;
    }
}
