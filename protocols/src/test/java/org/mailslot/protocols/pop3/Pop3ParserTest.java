package org.mailslot.protocols.pop3;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class Pop3ParserTest {
    private final Pop3Parser parser = new Pop3Parser(1024, 255);

    private Pop3Request parse(String line) {
        return parser.parse(line.getBytes(StandardCharsets.UTF_8));
    }

    private String error(String line) {
        assertThat(parse(line)).isInstanceOf(Pop3Request.Malformed.class);
        return ((Pop3Request.Malformed) parse(line)).reason();
    }

    @Test
    void parsesEveryCommandCaseInsensitively() {
        assertThat(parse("user alice@example.com")).isEqualTo(new Pop3Command.User("alice@example.com"));
        assertThat(parse("PASS secret with spaces ")).isEqualTo(new Pop3Command.Pass("secret with spaces "));
        assertThat(parse("AUTH")).isEqualTo(new Pop3Command.Auth(null, null));
        assertThat(parse("auth plain")).isEqualTo(new Pop3Command.Auth("PLAIN", null));
        assertThat(parse("AUTH PLAIN AGFsaWNlAHB3")).isEqualTo(new Pop3Command.Auth("PLAIN", "AGFsaWNlAHB3"));
        assertThat(parse("AUTH PLAIN =")).isEqualTo(new Pop3Command.Auth("PLAIN", "="));
        assertThat(parse("Stls")).isEqualTo(new Pop3Command.Stls());
        assertThat(parse("CAPA")).isEqualTo(new Pop3Command.Capa());
        assertThat(parse("QUIT")).isEqualTo(new Pop3Command.Quit());
        assertThat(parse("STAT")).isEqualTo(new Pop3Command.Stat());
        assertThat(parse("LIST")).isEqualTo(new Pop3Command.List(null));
        assertThat(parse("LIST 3")).isEqualTo(new Pop3Command.List(3));
        assertThat(parse("UIDL")).isEqualTo(new Pop3Command.Uidl(null));
        assertThat(parse("uidl 12")).isEqualTo(new Pop3Command.Uidl(12));
        assertThat(parse("RETR 1")).isEqualTo(new Pop3Command.Retr(1));
        assertThat(parse("TOP 2 0")).isEqualTo(new Pop3Command.Top(2, 0));
        assertThat(parse("DELE 7")).isEqualTo(new Pop3Command.Dele(7));
        assertThat(parse("RSET")).isEqualTo(new Pop3Command.Rset());
        assertThat(parse("NOOP")).isEqualTo(new Pop3Command.Noop());
    }

    @Test
    void toleratesRunsOfSpacesBetweenArguments() {
        assertThat(parse("TOP  1   5 ")).isEqualTo(new Pop3Command.Top(1, 5));
    }

    @Test
    void rejectsBadMessageNumbers() {
        assertThat(error("RETR abc")).isEqualTo("Invalid message number 'abc': must be a positive number");
        assertThat(error("RETR -1")).isEqualTo("Invalid message number '-1': must be a positive number");
        assertThat(error("DELE +1")).contains("Invalid message number");
        assertThat(error("LIST 1x")).contains("Invalid message number");
        assertThat(error("RETR")).isEqualTo("Usage: RETR message-number");
        assertThat(error("RETR 1 2")).isEqualTo("Usage: RETR message-number");
        assertThat(error("TOP 1")).isEqualTo("Usage: TOP message-number lines");
        assertThat(error("TOP 1 -5")).isEqualTo("Invalid line count '-5': must be a number of 0 or more");
        assertThat(error("LIST 1 2")).isEqualTo("Usage: LIST [message-number]");
    }

    @Test
    void hugeNumbersNameNoMessageInsteadOfOverflowing() {
        assertThat(parse("RETR 99999999999999999999999")).isEqualTo(new Pop3Command.Retr(Integer.MAX_VALUE));
        assertThat(parse("TOP 1 99999999999999999999999")).isEqualTo(new Pop3Command.Top(1, Long.MAX_VALUE));
        assertThat(parse("RETR 0")).isEqualTo(new Pop3Command.Retr(0));
    }

    @Test
    void rejectsUnknownEmptyAndNulLines() {
        assertThat(parse("APOP alice 1234")).isEqualTo(new Pop3Request.Malformed(null, "APOP", "Unknown command"));
        assertThat(parse("XY")).isEqualTo(new Pop3Request.Malformed(null, "XY", "Unknown command"));
        assertThat(parse("RETRIEVE 1")).isEqualTo(new Pop3Request.Malformed(null, "RETRIEVE", "Unknown command"));
        assertThat(error("")).isEqualTo("Empty command");
        assertThat(error(" USER x")).isEqualTo("Command must not start with a space");
        assertThat(parser.parse(new byte[]{'N', 'O', 'O', 'P', 0})).isEqualTo(new Pop3Request.Malformed(null, "", "NUL byte in command"));
        assertThat(error("STAT now")).isEqualTo("STAT takes no arguments");
        assertThat(error("USER")).isEqualTo("Usage: USER name");
        assertThat(error("USER a b")).isEqualTo("Usage: USER name");
        assertThat(error("PASS")).isEqualTo("Usage: PASS password");
        assertThat(error("AUTH PLAIN a b")).isEqualTo("Usage: AUTH mechanism [initial-response]");
    }

    @Test
    void unknownKeywordsAreMadePrintableForTheLog() {
        Pop3Request r = parse("\u001b[31mEVIL\u00e9" + "x".repeat(100));
        assertThat(((Pop3Request.Malformed) r).keyword()).matches("[\\x20-\\x7e]{1,35}");
    }

    @Test
    void enforcesArgumentAndLineLimits() {
        assertThat(error("USER " + "a".repeat(256))).isEqualTo("Argument too long (at most 255 octets)");
        assertThat(parse("USER " + "a".repeat(255))).isInstanceOf(Pop3Command.User.class);
        assertThat(error("PASS " + "a".repeat(256))).isEqualTo("Argument too long (at most 255 octets)");
        // RFC 5034: the initial response is not bound by the 255-octet argument limit
        assertThat(parse("AUTH PLAIN " + "A".repeat(600))).isInstanceOf(Pop3Command.Auth.class);
        assertThat(error("NOOP" + " ".repeat(1100))).isEqualTo("Line too long");
    }

    @Test
    void passwordsAreNotPrinted() {
        assertThat(new Pop3Command.Pass("hunter2").toString()).doesNotContain("hunter2");
        assertThat(new Pop3Command.Auth("PLAIN", "c2VjcmV0").toString()).doesNotContain("c2VjcmV0");
    }

    @Test
    void fuzzNeverThrows() {
        Random random = new Random(1939);
        String[] seeds = {"USER a", "PASS b", "LIST 1", "TOP 1 2", "RETR 3", "AUTH PLAIN =", "UIDL", "DELE 1"};
        for (int i = 0; i < 20_000; i++) {
            byte[] line;
            if (random.nextBoolean()) {
                line = new byte[random.nextInt(40)];
                random.nextBytes(line);
            } else {
                line = seeds[random.nextInt(seeds.length)].getBytes(StandardCharsets.US_ASCII);
                for (int k = random.nextInt(4); k > 0 && line.length > 0; k--) {
                    line[random.nextInt(line.length)] = (byte) random.nextInt(256);
                }
            }
            Pop3Request r = parser.parse(line);
            assertThat(r).isNotNull();
            if (r instanceof Pop3Request.Malformed m) {
                assertThat(m.reason()).isNotBlank().doesNotContain("\r", "\n");
            }
        }
    }
}
