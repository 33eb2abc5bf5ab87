package org.mailslot.directory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The accounts table: creation with slot placement, passwords, quotas, lookups and login. */
final class Accounts {

    /** Longest password accepted when one is set; longer ones at login simply fail. */
    static final int MAX_PASSWORD_CHARS = 1024;

    private static final Logger log = LoggerFactory.getLogger(Accounts.class);
    private static final String COLUMNS = "id, address, domain, slot_id, quota_bytes, created, password_hash";

    private final Database db;
    private final PasswordHasher hasher;
    private final boolean rehashOnLogin;
    private final Clock clock;

    Accounts(Database db, PasswordHasher hasher, boolean rehashOnLogin, Clock clock) {
        this.rehashOnLogin = rehashOnLogin;
        this.db = db;
        this.hasher = hasher;
        this.clock = clock;
    }

    private record Row(Account account, String passwordHash) {}

    /** {@code slot} 0: the emptiest slot. */
    Account add(String address, char[] password, long quotaBytes, int slot) {
        Addresses.Parsed parsed = Addresses.parse(address);
        checkQuota(quotaBytes);
        checkSlot(slot);
        checkPassword(password);
        return insert(parsed, hasher.hash(password), quotaBytes, slot);
    }

    Account importAccount(String address, String passwordHash, long quotaBytes, int slot) {
        Addresses.Parsed parsed = Addresses.parse(address);
        checkQuota(quotaBytes);
        checkSlot(slot);
        return insert(parsed, PasswordHasher.importable(passwordHash), quotaBytes, slot);
    }

    private Account insert(Addresses.Parsed parsed, String hash, long quotaBytes, int chosenSlot) {
        long now = clock.millis();
        return db.write(c -> {
            Domains.requireHosted(c, parsed.domain());
            var existing = find(c, parsed.key());
            if (existing.isPresent()) {
                throw DirectoryException.exists("account " + existing.get().account().address());
            }
            if (Aliases.isSource(c, parsed.key())) {
                throw DirectoryException.exists("alias " + parsed);
            }
            int slot;
            if (chosenSlot == 0) {
                slot = emptiestSlot(c).orElseThrow(() -> new DirectoryException(DirectoryException.Reason.UNAVAILABLE,
                        "no storage slots exist yet, so account " + parsed + " has nowhere to live"));
            } else if (slotExists(c, chosenSlot)) {
                slot = chosenSlot;
            } else {
                throw DirectoryException.notFound("slot " + chosenSlot);
            }
            long id;
            try (var st = c.prepareStatement("INSERT INTO accounts (address, address_key, local_part, domain,"
                    + " password_hash, quota_bytes, slot_id, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
                st.setString(1, parsed.toString());
                st.setString(2, parsed.key());
                st.setString(3, parsed.localPart());
                st.setString(4, parsed.domain());
                st.setString(5, hash);
                st.setLong(6, quotaBytes);
                st.setInt(7, slot);
                st.setLong(8, now);
                try (var rs = st.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            } catch (SQLException e) {
                if (Database.isUniqueViolation(e)) {
                    throw DirectoryException.exists("account " + parsed);
                }
                throw e;
            }
            return new Account(id, parsed.toString(), parsed.domain(), slot, quotaBytes, Instant.ofEpochMilli(now));
        });
    }

    /** The slot with the fewest accounts, lowest id on ties. */
    private static Optional<Integer> emptiestSlot(Connection c) throws SQLException {
        try (var st = c.prepareStatement("SELECT s.id FROM slots s LEFT JOIN accounts a ON a.slot_id = s.id"
                + " GROUP BY s.id ORDER BY COUNT(a.id), s.id LIMIT 1");
             var rs = st.executeQuery()) {
            return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
        }
    }

    private static boolean slotExists(Connection c, int slot) throws SQLException {
        try (var st = c.prepareStatement("SELECT 1 FROM slots WHERE id = ?")) {
            st.setInt(1, slot);
            try (var rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void checkSlot(int slot) {
        if (slot < 0) {
            throw DirectoryException.invalid("a slot number is positive, was " + slot);
        }
    }

    void setPassword(String address, char[] password) {
        Addresses.Parsed parsed = Addresses.parse(address);
        checkPassword(password);
        updateHash(parsed, hasher.hash(password));
    }

    void setPasswordHash(String address, String passwordHash) {
        Addresses.Parsed parsed = Addresses.parse(address);
        updateHash(parsed, PasswordHasher.importable(passwordHash));
    }

    private void updateHash(Addresses.Parsed parsed, String hash) {
        update(parsed, "UPDATE accounts SET password_hash = ? WHERE address_key = ?", st -> st.setString(1, hash));
    }

    void setQuota(String address, long quotaBytes) {
        Addresses.Parsed parsed = Addresses.parse(address);
        checkQuota(quotaBytes);
        update(parsed, "UPDATE accounts SET quota_bytes = ? WHERE address_key = ?", st -> st.setLong(1, quotaBytes));
    }

    private interface Binder {
        void bind(java.sql.PreparedStatement st) throws SQLException;
    }

    private void update(Addresses.Parsed parsed, String sql, Binder first) {
        db.write(c -> {
            try (var st = c.prepareStatement(sql)) {
                first.bind(st);
                st.setString(2, parsed.key());
                if (st.executeUpdate() == 0) {
                    throw DirectoryException.notFound("account " + parsed);
                }
            }
            return null;
        });
    }

    /** Removes the account and the aliases that point at it, which would otherwise deliver nowhere. */
    void remove(String address) {
        Addresses.Parsed parsed = Addresses.parse(address);
        db.write(c -> {
            if (find(c, parsed.key()).isEmpty()) {
                throw DirectoryException.notFound("account " + parsed);
            }
            int aliases;
            try (var st = c.prepareStatement("DELETE FROM aliases WHERE target_key = ?")) {
                st.setString(1, parsed.key());
                aliases = st.executeUpdate();
            }
            try (var st = c.prepareStatement("DELETE FROM accounts WHERE address_key = ?")) {
                st.setString(1, parsed.key());
                st.executeUpdate();
            }
            if (aliases > 0) {
                log.info("removed account {} and {} aliases pointing at it", parsed, aliases);
            }
            return null;
        });
    }

    Optional<Account> find(String address) {
        Addresses.Parsed parsed = Addresses.parse(address);
        return db.read(c -> find(c, parsed.key())).map(Row::account);
    }

    Optional<Account> find(long id) {
        return db.read(c -> {
            try (var st = c.prepareStatement("SELECT " + COLUMNS + " FROM accounts WHERE id = ?")) {
                st.setLong(1, id);
                return one(st);
            }
        }).map(Row::account);
    }

    List<Account> list(String domainOrNull) {
        String domain = domainOrNull == null ? null : Addresses.domain(domainOrNull);
        return db.read(c -> {
            if (domain != null) {
                Domains.requireHosted(c, domain);
            }
            String sql = "SELECT " + COLUMNS + " FROM accounts" + (domain == null ? "" : " WHERE domain = ?")
                    + " ORDER BY domain, address_key";
            try (var st = c.prepareStatement(sql)) {
                if (domain != null) {
                    st.setString(1, domain);
                }
                try (var rs = st.executeQuery()) {
                    List<Account> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(row(rs).account());
                    }
                    return out;
                }
            }
        });
    }

    /**
     * The account when the password matches; otherwise empty, after the same work as a real check so
     * unknown users cannot be told from wrong passwords by timing. A legacy or outdated hash is replaced
     * by a fresh Argon2id one on success.
     */
    Optional<Account> authenticate(String address, char[] password) {
        if (password == null || password.length > MAX_PASSWORD_CHARS) {
            hasher.verifyDummy(new char[0]);
            return Optional.empty();
        }
        Optional<Row> row;
        try {
            Addresses.Parsed parsed = Addresses.parse(address);
            row = db.read(c -> find(c, parsed.key()));
        } catch (DirectoryException e) {
            if (e.reason() != DirectoryException.Reason.INVALID) {
                throw e;
            }
            row = Optional.empty();
        }
        if (row.isEmpty()) {
            hasher.verifyDummy(password);
            return Optional.empty();
        }
        String stored = row.get().passwordHash();
        if (!hasher.verify(password, stored)) {
            return Optional.empty();
        }
        if (rehashOnLogin && hasher.needsRehash(stored)) {
            rehash(row.get().account(), stored, hasher.hash(password));
        }
        return Optional.of(row.get().account());
    }

    /** Replaces the hash unless it changed meanwhile; a failure here must not fail the login. */
    private void rehash(Account account, String old, String fresh) {
        try {
            int updated = db.write(c -> {
                try (var st = c.prepareStatement(
                        "UPDATE accounts SET password_hash = ? WHERE id = ? AND password_hash = ?")) {
                    st.setString(1, fresh);
                    st.setLong(2, account.id());
                    st.setString(3, old);
                    return st.executeUpdate();
                }
            });
            if (updated > 0) {
                log.info("rehashed the password of {} with Argon2id", account.address());
            }
        } catch (DirectoryException e) {
            log.warn("could not rehash the password of {}: {}", account.address(), e.getMessage());
        }
    }

    /** The account with this case-folded address key, read on the caller's connection. */
    static Optional<Account> findByKey(Connection c, String key) throws SQLException {
        return find(c, key).map(Row::account);
    }

    private static Optional<Row> find(Connection c, String key) throws SQLException {
        try (var st = c.prepareStatement("SELECT " + COLUMNS + " FROM accounts WHERE address_key = ?")) {
            st.setString(1, key);
            return one(st);
        }
    }

    private static Optional<Row> one(java.sql.PreparedStatement st) throws SQLException {
        try (var rs = st.executeQuery()) {
            return rs.next() ? Optional.of(row(rs)) : Optional.empty();
        }
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(new Account(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getLong(5),
                Instant.ofEpochMilli(rs.getLong(6))), rs.getString(7));
    }

    private static void checkQuota(long quotaBytes) {
        if (quotaBytes < 0) {
            throw DirectoryException.invalid("a quota cannot be negative (0 means unlimited), was " + quotaBytes);
        }
    }

    private static void checkPassword(char[] password) {
        if (password == null || password.length == 0) {
            throw DirectoryException.invalid("the password is empty");
        }
        if (password.length > MAX_PASSWORD_CHARS) {
            throw DirectoryException.invalid("the password is longer than " + MAX_PASSWORD_CHARS + " characters");
        }
    }
}
