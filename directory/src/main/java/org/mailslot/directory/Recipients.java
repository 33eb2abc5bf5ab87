package org.mailslot.directory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers "which accounts does mail to this address land in" (see {@link Directory#resolveRecipient}). */
final class Recipients {

    /** Alias chains longer than this are cut (and logged); add() refuses loops, this guards the rest. */
    static final int MAX_ALIAS_DEPTH = 8;

    private static final Logger log = LoggerFactory.getLogger(Recipients.class);

    private final Database db;
    private final String delimiters;

    Recipients(Database db, String delimiters) {
        this.db = db;
        this.delimiters = delimiters;
    }

    List<Account> resolve(String address) {
        Addresses.Parsed parsed = Addresses.parse(address);
        return db.read(c -> {
            if (!Domains.exists(c, parsed.domain())) {
                return List.of();
            }
            List<Account> found = expand(c, parsed.key());
            if (found.isEmpty()) {
                String untagged = withoutTag(parsed.localPart());
                if (untagged != null) {
                    found = expand(c, new Addresses.Parsed(untagged, parsed.domain()).key());
                }
            }
            if (found.isEmpty()) {
                found = expand(c, "@" + parsed.domain());
            }
            return found;
        });
    }

    /** The local part cut before its first delimiter, or null when it has no tag to cut. */
    private String withoutTag(String localPart) {
        if (localPart.startsWith("\"")) {
            return null;
        }
        for (int i = 1; i < localPart.length(); i++) {
            if (delimiters.indexOf(localPart.charAt(i)) >= 0) {
                return localPart.substring(0, i);
            }
        }
        return null;
    }

    private List<Account> expand(Connection c, String key) throws SQLException {
        Map<Long, Account> out = new LinkedHashMap<>();
        expand(c, key, 0, out);
        return new ArrayList<>(out.values());
    }

    private void expand(Connection c, String key, int depth, Map<Long, Account> out) throws SQLException {
        var account = Accounts.findByKey(c, key);
        if (account.isPresent()) {
            out.putIfAbsent(account.get().id(), account.get());
            return;
        }
        List<String> targets = Aliases.targets(c, key);
        if (targets.isEmpty()) {
            return;
        }
        if (depth >= MAX_ALIAS_DEPTH) {
            log.warn("alias chain at {} is deeper than {}; the rest is not delivered", key, MAX_ALIAS_DEPTH);
            return;
        }
        for (String target : targets) {
            expand(c, target, depth + 1, out);
        }
    }
}
