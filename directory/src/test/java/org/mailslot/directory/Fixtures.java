package org.mailslot.directory;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.DriverManager;
import java.sql.SQLException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Small helpers shared by the directory tests. */
final class Fixtures {

    static final String DOMAIN = "example.test";

    private Fixtures() {}

    /** One node, four slots, one hosted domain. */
    static Directory populated(Directory d) {
        d.registerNode("store1", "127.0.0.1:7000");
        d.ensureSlots("store1", 4);
        d.addDomain(DOMAIN);
        return d;
    }

    static char[] pw(String s) {
        return s.toCharArray();
    }

    static void fails(DirectoryException.Reason reason, String messagePart, ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(DirectoryException.class, e -> {
                    org.assertj.core.api.Assertions.assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
                    org.assertj.core.api.Assertions.assertThat(e.getMessage()).contains(messagePart);
                });
    }

    /** The stored password hash, read behind the directory's back. */
    static String storedHash(DirectorySettings settings, String addressKey) {
        try (var c = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
             var st = c.prepareStatement("SELECT password_hash FROM accounts WHERE address_key = ?")) {
            st.setString(1, addressKey);
            try (var rs = st.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
