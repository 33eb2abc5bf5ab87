package org.mailslot.protocols.smtp.inbound;

import org.junit.jupiter.api.Test;
import org.mailslot.store.MessageContent;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The parsers of the inbound checks take any bytes: a result, never a runtime exception. */
class InboundFuzzTest {
    private static final List<String> SEEDS = List.of(
            "Received: from a\r\n\tby b\r\nFrom: A <a@example.org>\r\nX-Spam-Flag: YES\r\nAuthentication-Results: mx; none\r\n\r\nbody",
            "SPAMD/1.1 0 EX_OK\r\nContent-length: 5\r\nSpam: True ; 7.3 / 5.0\r\n\r\nA,B,C",
            "v=DMARC1; p=reject; sp=none; adkim=s; aspf=r; pct=50; rua=mailto:x@y",
            " (c (d)) \"mx.example.com\"; spf=pass");

    private static byte[] mutate(Random r, byte[] seed) {
        byte[] b = seed.clone();
        int edits = 1 + r.nextInt(8);
        for (int i = 0; i < edits && b.length > 0; i++) {
            switch (r.nextInt(4)) {
                case 0 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                case 1 -> b[r.nextInt(b.length)] = (byte) "\r\n:;=()\" \t\\,/".charAt(r.nextInt(13));
                case 2 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length + 1));
                default -> {
                    byte[] longer = java.util.Arrays.copyOf(b, b.length * 2);
                    System.arraycopy(b, 0, longer, b.length, b.length);
                    b = longer;
                }
            }
        }
        return b;
    }

    @Test
    void mutatedInputs() throws Exception {
        Random r = new Random(20261129);
        InboundChecks strip = InboundChecks.stripOnly("mx.example.com");
        InetAddress client = InetAddress.getByName("192.0.2.1");
        for (int i = 0; i < 3000; i++) {
            byte[] input = mutate(r, SEEDS.get(r.nextInt(SEEDS.size())).getBytes(StandardCharsets.ISO_8859_1));
            String text = new String(input, StandardCharsets.ISO_8859_1);
            MessageContent content = MessageContent.of(input);

            List<HeaderFields.Field> fields = HeaderFields.read(content);
            DmarcCheck.author(fields);
            DmarcRecord.parse(text);
            AuthenticationResults.authservId(text);
            AuthenticationResults.value(text);
            try {
                assertThat(SpamdReply.parse(new ByteArrayInputStream(input))).isNotNull();
            } catch (IOException expected) {
                // an over-long line: SpamdClient reports it as unscored
            }
            Verdict v = strip.evaluate(client, text, text, content);
            try (var in = v.applyTo(content).open()) {
                assertThat(in.readAllBytes().length).isEqualTo((int) v.applyTo(content).size());
            }
        }
    }
}
