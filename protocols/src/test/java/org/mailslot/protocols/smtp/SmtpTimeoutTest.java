package org.mailslot.protocols.smtp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SmtpTimeoutTest {

    @Test
    void idleClientGets421AndIsClosed(@TempDir Path dir) throws Exception {
        try (SmtpHarness h = new SmtpHarness(dir, "idle-timeout: 1s\ndata-timeout: 2s\n")) {
            try (SmtpClient c = h.client(SmtpMode.MX)) {
                assertThat(c.read()).startsWith("220 ");
                assertThat(c.cmd("EHLO slow.example")).startsWith("250-");
                assertThat(c.read()).isEqualTo("421 4.4.2 mx.example.com Timeout exceeded, closing connection");
                assertThat(c.read()).isNull();
            }
            // silent in the middle of DATA: same answer, and the spool is cleaned up
            try (SmtpClient c = h.client(SmtpMode.MX)) {
                assertThat(c.read()).startsWith("220 ");
                assertThat(c.cmd("EHLO slow.example")).startsWith("250-");
                assertThat(c.cmd("MAIL FROM:<a@remote.example>")).startsWith("250");
                assertThat(c.cmd("RCPT TO:<alice@example.com>")).startsWith("250");
                assertThat(c.cmd("DATA")).startsWith("354");
                c.send("Subject: half a message\r\n");
                assertThat(c.read()).startsWith("421 4.4.2");
                assertThat(c.read()).isNull();
            }
            h.awaitSpoolEmpty();
            assertThat(h.inbox(h.alice)).isEmpty();
        }
    }
}
