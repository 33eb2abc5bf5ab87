package org.mailslot.protocols.smtp;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import static org.assertj.core.api.Assertions.assertThat;

class ReceivedHeaderTest {
    @Test
    void traceHeader() throws Exception {
        byte[] h = ReceivedHeader.build(new ReceivedHeader.Trace("client.example", InetAddress.getByName("192.0.2.7"),
                "mx.example.com", "ESMTPS", "ABC123", "TLSv1.3 with cipher TLS_AES_128_GCM_SHA256", "alice@example.com",
                ZonedDateTime.of(2026, 3, 4, 5, 6, 7, 0, ZoneOffset.UTC)));
        assertThat(new String(h, StandardCharsets.UTF_8)).isEqualTo("""
                Received: from client.example ([192.0.2.7])\r
                \t(using TLSv1.3 with cipher TLS_AES_128_GCM_SHA256)\r
                \tby mx.example.com (mailslot) with ESMTPS id ABC123\r
                \tfor <alice@example.com>;\r
                \tWed, 4 Mar 2026 05:06:07 +0000\r
                """);
    }

    @Test
    void oddHeloNamesAreNotCopied() throws Exception {
        byte[] h = ReceivedHeader.build(new ReceivedHeader.Trace("evil)\r\nX-Injected: 1", InetAddress.getByName("::1"),
                "mx", "SMTP", "1", null, null, ZonedDateTime.now(ZoneOffset.UTC)));
        String s = new String(h, StandardCharsets.UTF_8);
        assertThat(s).startsWith("Received: from unknown ([IPv6:0:0:0:0:0:0:0:1])\r\n").doesNotContain("X-Injected");
    }

    @Test
    void protocolNames() {
        assertThat(ReceivedHeader.with(SmtpMode.MX, false, false, false, false)).isEqualTo("SMTP");
        assertThat(ReceivedHeader.with(SmtpMode.MX, true, false, true, false)).isEqualTo("ESMTPS");
        assertThat(ReceivedHeader.with(SmtpMode.SUBMISSION, true, false, true, true)).isEqualTo("ESMTPSA");
        assertThat(ReceivedHeader.with(SmtpMode.LMTP, true, false, false, false)).isEqualTo("LMTP");
        assertThat(ReceivedHeader.with(SmtpMode.MX, true, true, true, false)).isEqualTo("UTF8SMTPS");
    }
}
