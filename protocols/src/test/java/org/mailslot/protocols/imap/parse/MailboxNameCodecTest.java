package org.mailslot.protocols.imap.parse;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MailboxNameCodecTest {
    @Test
    void rfc3501Example() {
        String unicode = "~peter/mail/\u53F0\u5317/\u65E5\u672C\u8A9E";
        assertThat(MailboxNameCodec.encode(unicode)).isEqualTo("~peter/mail/&U,BTFw-/&ZeVnLIqe-");
        assertThat(MailboxNameCodec.decode("~peter/mail/&U,BTFw-/&ZeVnLIqe-")).isEqualTo(unicode);
    }

    @Test
    void ampersandAndPlainAscii() {
        assertThat(MailboxNameCodec.encode("Tom & Jerry")).isEqualTo("Tom &- Jerry");
        assertThat(MailboxNameCodec.decode("Tom &- Jerry")).isEqualTo("Tom & Jerry");
        assertThat(MailboxNameCodec.encode("INBOX")).isEqualTo("INBOX");
        assertThat(MailboxNameCodec.encode("Entw\u00FCrfe")).isEqualTo("Entw&APw-rfe");
        assertThat(MailboxNameCodec.encode("\uD83D\uDE00")).isEqualTo("&2D3eAA-");
        assertThat(MailboxNameCodec.decode("&2D3eAA-")).isEqualTo("\uD83D\uDE00");
    }

    @Test
    void rejectsMalformed() {
        assertThatThrownBy(() -> MailboxNameCodec.decode("&Jjo!")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MailboxNameCodec.decode("&U,BTFw")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MailboxNameCodec.decode("&AGE-")).isInstanceOf(IllegalArgumentException.class); // encoded 'a'
        assertThatThrownBy(() -> MailboxNameCodec.decode("&2D0-")).isInstanceOf(IllegalArgumentException.class); // lone surrogate
        assertThatThrownBy(() -> MailboxNameCodec.decode("&APx-&APw-")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MailboxNameCodec.decode("caf\u00E9")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MailboxNameCodec.decode("&APz-")).isInstanceOf(IllegalArgumentException.class); // pad bits
    }

    @Test
    void randomRoundTrip() {
        Random rnd = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = rnd.nextInt(12);
            for (int k = 0; k < n; k++) {
                int kind = rnd.nextInt(4);
                int cp = switch (kind) {
                    case 0 -> 0x20 + rnd.nextInt(0x5f);
                    case 1 -> '&';
                    case 2 -> 0x80 + rnd.nextInt(0xD000);
                    default -> 0x10000 + rnd.nextInt(0x10000);
                };
                sb.appendCodePoint(cp);
            }
            String s = sb.toString();
            String enc = MailboxNameCodec.encode(s);
            assertThat(enc.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)).isTrue();
            assertThat(MailboxNameCodec.decode(enc)).isEqualTo(s);
        }
    }
}
