package org.mailslot.protocols.imap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** CREATE-SPECIAL-USE (RFC 6154 3): CREATE ... (USE (...)) and NO [USEATTR] for uses not supported. */
class ImapCreateSpecialUseTest {
    @TempDir
    Path dir;

    @Test
    void createWithUseAndRefuseUnsupportedUses() throws Exception {
        try (ImapTestServer server = new ImapTestServer(dir)) {
            server.account("alice@example.com");
            try (ImapTestClient c = new ImapTestClient(server.port())) {
                c.login("alice@example.com");
                assertThat(c.command("CAPABILITY").getFirst()).contains(" SPECIAL-USE CREATE-SPECIAL-USE ");
                assertThat(c.command("CREATE Old (USE (\\Archive))")).containsExactly("t3 OK CREATE completed");
                assertThat(c.command("LIST \"\" Old RETURN (SPECIAL-USE)"))
                        .containsExactly("* LIST (\\HasNoChildren \\Archive) \"/\" \"Old\"", "t4 OK LIST completed");
                assertThat(c.command("LIST (SPECIAL-USE) \"\" Old")).contains("* LIST (\\HasNoChildren \\Archive) \"/\" \"Old\"");
                assertThat(c.command("CREATE Imp (USE (\\Important))"))
                        .containsExactly("t6 NO [USEATTR] Unsupported special use \\Important");
                assertThat(c.command("CREATE Two (USE (\\Sent \\Junk))"))
                        .containsExactly("t7 NO [USEATTR] A mailbox has at most one special use here");
                assertThat(c.command("LIST \"\" Imp")).containsExactly("t8 OK LIST completed");
                assertThat(c.command("CREATE Old2 (USE (\\sent))")).containsExactly("t9 OK CREATE completed");
                assertThat(c.command("DELETE Old2").getLast()).startsWith("t10 NO ");
            }
        }
    }
}
