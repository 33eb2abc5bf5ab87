package org.mailslot.protocols.smtp.inbound;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AuthenticationResultsTest {
    @Test
    void oneResultPerLine() throws Exception {
        String field = AuthenticationResults.field("mx.example.com", InetAddress.getByName("192.0.2.1"),
                new SpfCheck.Result("pass", "mailfrom", "example.org"),
                List.of(new DkimCheck.Result("pass", "example.org", "s1", "AbCdEf012345", null),
                        new DkimCheck.Result("fail", "example.org", "s2", "ZZZZ+/==", "body hash mismatch")),
                new DmarcCheck.Result("pass", "example.org", "reject", "none", null));
        assertThat(field).isEqualTo("""
                Authentication-Results: mx.example.com;\r
                \tspf=pass (client 192.0.2.1) smtp.mailfrom=example.org;\r
                \tdkim=pass header.d=example.org header.s=s1 header.b=AbCdEf012345;\r
                \tdkim=fail reason="body hash mismatch" header.d=example.org header.s=s2 header.b="ZZZZ+/==";\r
                \tdmarc=pass (p=reject dis=none) header.from=example.org\r
                """);
    }

    @Test
    void nothingCheckedNoField() throws Exception {
        assertThat(AuthenticationResults.field("mx", InetAddress.getByName("192.0.2.1"), null, null, null)).isNull();
        assertThat(AuthenticationResults.field("mx", InetAddress.getByName("192.0.2.1"), null, List.of(), null))
                .isEqualTo("Authentication-Results: mx;\r\n\tdkim=none\r\n");
    }

    @Test
    void valuesFromTheSenderCannotAddResultsOrFields() throws Exception {
        String field = AuthenticationResults.field("mx", InetAddress.getByName("192.0.2.1"),
                new SpfCheck.Result("fail", "mailfrom", "evil.example; dkim=pass"),
                List.of(new DkimCheck.Result("fail", "a;b", "s\r\nX-Spam-Flag: NO", null, "bad\"\\ reason\r\n(é)")),
                new DmarcCheck.Result("fail", "x\"y", "reject", "quarantine", null));
        assertThat(field.split("\r\n")).hasSize(4);
        assertThat(field).contains("smtp.mailfrom=\"evil.example; dkim=pass\"")
                .contains("header.d=\"a;b\"")
                .contains("header.s=\"s  X-Spam-Flag: NO\"")
                .contains("reason=\"bad\\\"\\\\ reason  (?)\"")
                .contains("header.from=\"x\\\"y\"");
    }

    @Test
    void authservIdOfReceivedFields() {
        assertThat(AuthenticationResults.authservId("mx.example.com; spf=pass")).isEqualTo("mx.example.com");
        assertThat(AuthenticationResults.authservId(" (comment (nested)) MX.Example.COM 1; none")).isEqualTo("MX.Example.COM");
        assertThat(AuthenticationResults.authservId("\"mx.example.com\"; none")).isEqualTo("mx.example.com");
        assertThat(AuthenticationResults.authservId("mx.example.com;")).isEqualTo("mx.example.com");
        assertThat(AuthenticationResults.authservId("  ")).isNull();
        assertThat(AuthenticationResults.authservId("(unclosed")).isNull();
        assertThat(AuthenticationResults.authservId(";")).isNull();
    }

    @Test
    void spamStatusInSpamAssassinsWords() {
        var scored = new SpamdClient.Outcome.Scored(true, 1002.34, 5, List.of("GTUBE", "MISSING_DATE"));
        assertThat(SpamStatus.field(true, scored, List.of()))
                .isEqualTo("X-Spam-Status: Yes, score=1002.3 required=5.0 tests=GTUBE,MISSING_DATE\r\n");
        assertThat(SpamStatus.field(true, null, List.of("DMARC_REJECT"))).isEqualTo("X-Spam-Status: Yes, tests=DMARC_REJECT\r\n");
        assertThat(SpamStatus.field(false, new SpamdClient.Outcome.Scored(false, -0.1, 5, List.of()), List.of()))
                .isEqualTo("X-Spam-Status: No, score=-0.1 required=5.0 tests=none\r\n");
        List<String> many = java.util.stream.IntStream.range(0, 30).mapToObj(i -> "SOME_LONG_TEST_" + i).toList();
        String folded = SpamStatus.field(true, new SpamdClient.Outcome.Scored(true, 9, 5, many), List.of());
        for (String line : folded.split("\r\n")) {
            assertThat(line.length()).isLessThanOrEqualTo(80);
        }
        assertThat(folded.replace("\r\n\t", "")).contains(String.join(",", many));
    }
}
