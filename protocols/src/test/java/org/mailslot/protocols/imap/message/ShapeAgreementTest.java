package org.mailslot.protocols.imap.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.mailslot.core.mime.MessageIndexer;

/**
 * Clients fetch parts by the numbers they read in the cached BODYSTRUCTURE (core's indexer, mime4j), so the part
 * map must see the same tree: compared as shapes ("L" leaf, "M" + inner for message/rfc822, "(..)" multipart).
 */
class ShapeAgreementTest {
    private final MessageIndexer indexer = new MessageIndexer();
    private final FetchRenderer renderer = new FetchRenderer(MessageSettings.defaults());

    @Test
    void samplesAgree() {
        for (String s : List.of(Samples.SIMPLE, Samples.ALTERNATIVE, Samples.MIXED)) {
            assertAgree(Samples.crlf(s));
        }
        assertThat(mapShape(Samples.crlf(Samples.MIXED))).isEqualTo("(LLM(LL)ML)");
    }

    @Test
    void generatedMultipartsAgree() {
        Random r = new Random(99);
        for (int n = 0; n < 400; n++) {
            assertAgree(generate(r, 0).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void mutatedMultipartsAgree() {
        Random r = new Random(5);
        int disagreements = 0;
        for (int n = 0; n < 400; n++) {
            byte[] m = generate(r, 0).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 3; i++) {
                m[r.nextInt(m.length)] = (byte) "\r\n-: b".charAt(r.nextInt(6));
            }
            String expected = bodyShape(indexer.index(m).bodyStructure());
            if (!mapShape(m).equals(expected)) {
                disagreements++;
                if (disagreements < 4) {
                    System.out.println("DISAGREE " + expected + " vs " + mapShape(m) + "\n"
                            + new String(m, StandardCharsets.ISO_8859_1));
                }
            }
        }
        // Known divergence: where mime4j itself fails on a damaged entity the indexer reports that entity as one
        // text part, while the map still sees its parts. Seeded, so the count is stable.
        System.out.println("shape disagreements: " + disagreements + " of 400");
        assertThat(disagreements).isLessThanOrEqualTo(8);
    }

    private void assertAgree(byte[] m) {
        String expected = bodyShape(indexer.index(m).bodyStructure());
        assertThat(mapShape(m)).as(new String(m, StandardCharsets.ISO_8859_1)).isEqualTo(expected);
    }

    private String generate(Random r, int depth) {
        StringBuilder sb = new StringBuilder("Subject: s\r\n");
        int kind = depth > 3 ? 0 : r.nextInt(4);
        String b = "b" + depth + (r.nextBoolean() ? "" : "x");
        switch (kind) {
            case 0 -> sb.append("Content-Type: text/plain\r\n\r\ntext ").append(r.nextInt()).append("\r\n");
            case 1 -> sb.append("Content-Type: message/rfc822\r\n\r\n").append(generate(r, depth + 1));
            default -> {
                sb.append("Content-Type: multipart/").append(kind == 2 ? "mixed" : "digest").append("; boundary=")
                        .append(b).append("\r\n\r\n");
                if (r.nextBoolean()) {
                    sb.append("preamble\r\n");
                }
                int parts = r.nextInt(4);
                for (int i = 0; i < parts; i++) {
                    sb.append("--").append(b).append(r.nextInt(5) == 0 ? "  \r\n" : "\r\n");
                    String child = generate(r, depth + 1);
                    sb.append(r.nextInt(5) == 0 ? child.substring(child.indexOf("\r\n") + 2) : child);
                }
                if (r.nextInt(4) > 0) {
                    sb.append("--").append(b).append("--\r\n");
                }
                if (r.nextBoolean()) {
                    sb.append("epilogue\r\n");
                }
            }
        }
        return sb.toString();
    }

    private String mapShape(byte[] m) {
        return shape(renderer.map(m).root());
    }

    private static String shape(PartMap.Entity e) {
        if (e.multipart()) {
            StringBuilder sb = new StringBuilder("(");
            e.children.forEach(c -> sb.append(shape(c)));
            return sb.append(')').toString();
        }
        return e.message != null ? "M" + shape(e.message) : "L";
    }

    // a small reader of the BODYSTRUCTURE string, enough to recover its shape

    private static String bodyShape(String bs) {
        return new Reader(bs.getBytes(StandardCharsets.UTF_8)).body();
    }

    private static final class Reader {
        private final byte[] b;
        private int p;

        Reader(byte[] b) {
            this.b = b;
        }

        String body() {
            expect('(');
            if (peek() == '(') {
                List<String> kids = new ArrayList<>();
                while (peek() == '(') {
                    kids.add(body());
                }
                skipRest();
                return "(" + String.join("", kids) + ")";
            }
            String type = token();
            String subtype = token();
            if ("message".equalsIgnoreCase(type) && "rfc822".equalsIgnoreCase(subtype)) {
                for (int i = 0; i < 6; i++) {
                    skipItem(); // params, id, description, encoding, size, envelope
                }
                String inner = body();
                skipRest();
                return "M" + inner;
            }
            skipRest();
            return "L";
        }

        private void skipRest() {
            while (peek() != ')') {
                skipItem();
            }
            p++;
        }

        private void skipItem() {
            if (peek() == '(') {
                p++;
                skipRest();
            } else {
                token();
            }
        }

        private int peek() {
            while (b[p] == ' ') {
                p++;
            }
            return b[p];
        }

        private void expect(char c) {
            if (peek() != c) {
                throw new IllegalStateException("expected " + c + " at " + p);
            }
            p++;
        }

        private String token() {
            int c = peek();
            StringBuilder sb = new StringBuilder();
            if (c == '"') {
                p++;
                while (b[p] != '"') {
                    if (b[p] == '\\') {
                        p++;
                    }
                    sb.append((char) b[p++]);
                }
                p++;
            } else if (c == '{') {
                int close = p;
                while (b[close] != '}') {
                    close++;
                }
                int n = Integer.parseInt(new String(b, p + 1, close - p - 1, StandardCharsets.US_ASCII));
                p = close + 3 + n;
            } else {
                while (b[p] != ' ' && b[p] != ')' && b[p] != '(') {
                    sb.append((char) b[p++]);
                }
            }
            return sb.toString();
        }
    }
}
