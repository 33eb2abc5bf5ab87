package org.mailslot.protocols.smtp;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Mutated and random command lines: the parser always answers with a command or a 5xx reply, never throws. */
class CommandParserFuzzTest {
    private static final List<String> SEEDS = List.of("EHLO client.example", "HELO x", "LHLO mta",
            "MAIL FROM:<a@b.example> SIZE=100 BODY=8BITMIME SMTPUTF8", "MAIL FROM:<>", "RCPT TO:<Postmaster>",
            "RCPT TO:<\"quoted \\\" local\"@example.com>", "MAIL FROM:<@r1,@r2:user@[IPv6:::1]>", "BDAT 100 LAST",
            "AUTH PLAIN AGEAYg==", "DATA", "RSET", "VRFY x", "NOOP", "QUIT", "STARTTLS", "HELP", "EXPN list");

    private static final String SPECIALS = "<>@\":;., =\\[]";

    @Test
    void neverThrows() {
        Random random = new Random(20260301);
        for (SmtpMode mode : SmtpMode.values()) {
            CommandParser parser = new CommandParser(mode);
            for (int i = 0; i < 5000; i++) {
                byte[] line = mutate(SEEDS.get(random.nextInt(SEEDS.size())).getBytes(StandardCharsets.UTF_8), random);
                ParseResult r = parser.parse(line);
                assertThat(r).isNotNull();
                if (r instanceof ParseResult.Error e) {
                    assertThat(e.reply().code()).isBetween(500, 599);
                }
            }
        }
    }

    static byte[] mutate(byte[] seed, Random random) {
        byte[] b = seed.clone();
        int kind = random.nextInt(5);
        switch (kind) {
            case 0 -> {
                for (int i = 0; i < 1 + random.nextInt(4); i++) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> b = java.util.Arrays.copyOf(b, random.nextInt(b.length + 1));
            case 2 -> {
                byte[] junk = new byte[random.nextInt(300)];
                random.nextBytes(junk);
                b = junk;
            }
            case 3 -> {
                byte[] longer = java.util.Arrays.copyOf(b, b.length + random.nextInt(40));
                for (int i = b.length; i < longer.length; i++) {
                    longer[i] = (byte) SPECIALS.charAt(random.nextInt(SPECIALS.length()));
                }
                b = longer;
            }
            default -> {
                int at = random.nextInt(b.length);
                b[at] = (byte) SPECIALS.charAt(random.nextInt(SPECIALS.length()));
            }
        }
        return b;
    }
}
