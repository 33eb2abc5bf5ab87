package org.mailslot.directory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The aliases table: edges source -> target between addresses of hosted domains. */
final class Aliases {

    private final Database db;
    private final Clock clock;

    Aliases(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** A normalized alias source: an address, or "@domain" for the catch-all. */
    record Source(String text, String key, String domain) {
        static Source parse(String source) {
            if (source != null && source.startsWith("@")) {
                String domain = Addresses.domain(source.substring(1));
                return new Source("@" + domain, "@" + domain, domain);
            }
            Addresses.Parsed parsed = Addresses.parse(source);
            return new Source(parsed.toString(), parsed.key(), parsed.domain());
        }
    }

    Alias add(String source, String target) {
        Source src = Source.parse(source);
        Addresses.Parsed dst = parseTarget(target);
        long now = clock.millis();
        String name = "alias " + src.text() + " -> " + dst;
        return db.write(c -> {
            Domains.requireHosted(c, src.domain());
            if (!Domains.exists(c, dst.domain())) {
                throw DirectoryException.invalid(name + " points outside the hosted domains; forwarding to"
                        + " other domains is not supported yet");
            }
            if (Accounts.findByKey(c, src.key()).isPresent()) {
                throw DirectoryException.exists("account " + src.text());
            }
            if (Accounts.findByKey(c, dst.key()).isEmpty() && !isSource(c, dst.key())) {
                throw DirectoryException.notFound("account or alias " + dst);
            }
            if (exists(c, src.key(), dst.key())) {
                throw DirectoryException.exists(name);
            }
            if (src.key().equals(dst.key()) || reachable(c, dst.key()).contains(src.key())) {
                throw DirectoryException.invalid(name + " would make a loop");
            }
            // One source keeps one spelling, whatever case later additions use.
            String sourceText = sourceText(c, src.key()).orElse(src.text());
            try (var st = c.prepareStatement("INSERT INTO aliases (source, source_key, target, target_key, domain,"
                    + " created) VALUES (?, ?, ?, ?, ?, ?)")) {
                st.setString(1, sourceText);
                st.setString(2, src.key());
                st.setString(3, dst.toString());
                st.setString(4, dst.key());
                st.setString(5, src.domain());
                st.setLong(6, now);
                st.executeUpdate();
            } catch (SQLException e) {
                if (Database.isUniqueViolation(e)) {
                    throw DirectoryException.exists(name);
                }
                throw e;
            }
            return new Alias(sourceText, dst.toString());
        });
    }

    void remove(String source, String target) {
        Source src = Source.parse(source);
        Addresses.Parsed dst = parseTarget(target);
        db.write(c -> {
            try (var st = c.prepareStatement("DELETE FROM aliases WHERE source_key = ? AND target_key = ?")) {
                st.setString(1, src.key());
                st.setString(2, dst.key());
                if (st.executeUpdate() == 0) {
                    throw DirectoryException.notFound("alias " + src.text() + " -> " + dst);
                }
            }
            return null;
        });
    }

    List<Alias> list(String domainOrNull) {
        String domain = domainOrNull == null ? null : Addresses.domain(domainOrNull);
        return db.read(c -> {
            if (domain != null) {
                Domains.requireHosted(c, domain);
            }
            String sql = "SELECT source, target FROM aliases" + (domain == null ? "" : " WHERE domain = ?")
                    + " ORDER BY domain, source_key, target_key";
            try (var st = c.prepareStatement(sql)) {
                if (domain != null) {
                    st.setString(1, domain);
                }
                try (var rs = st.executeQuery()) {
                    List<Alias> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(new Alias(rs.getString(1), rs.getString(2)));
                    }
                    return out;
                }
            }
        });
    }

    private static java.util.Optional<String> sourceText(Connection c, String key) throws SQLException {
        try (var st = c.prepareStatement("SELECT source FROM aliases WHERE source_key = ? LIMIT 1")) {
            st.setString(1, key);
            try (var rs = st.executeQuery()) {
                return rs.next() ? java.util.Optional.of(rs.getString(1)) : java.util.Optional.empty();
            }
        }
    }

    static boolean isSource(Connection c, String key) throws SQLException {
        try (var st = c.prepareStatement("SELECT 1 FROM aliases WHERE source_key = ? LIMIT 1")) {
            st.setString(1, key);
            try (var rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Target keys of the aliases whose source is {@code key}, in a stable order. */
    static List<String> targets(Connection c, String key) throws SQLException {
        try (var st = c.prepareStatement("SELECT target_key FROM aliases WHERE source_key = ? ORDER BY target_key")) {
            st.setString(1, key);
            try (var rs = st.executeQuery()) {
                List<String> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
                return out;
            }
        }
    }

    private static boolean exists(Connection c, String sourceKey, String targetKey) throws SQLException {
        try (var st = c.prepareStatement("SELECT 1 FROM aliases WHERE source_key = ? AND target_key = ?")) {
            st.setString(1, sourceKey);
            st.setString(2, targetKey);
            try (var rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Every key reachable from {@code start} along alias edges (start included). */
    private static Set<String> reachable(Connection c, String start) throws SQLException {
        Set<String> seen = new HashSet<>();
        ArrayDeque<String> todo = new ArrayDeque<>();
        todo.add(start);
        while (!todo.isEmpty()) {
            String key = todo.poll();
            if (seen.add(key)) {
                todo.addAll(targets(c, key));
            }
        }
        return seen;
    }

    private static Addresses.Parsed parseTarget(String target) {
        if (target != null && target.startsWith("@")) {
            throw DirectoryException.invalid("an alias target must be an address, not a whole domain: "
                    + Addresses.printable(target));
        }
        return Addresses.parse(target);
    }
}
