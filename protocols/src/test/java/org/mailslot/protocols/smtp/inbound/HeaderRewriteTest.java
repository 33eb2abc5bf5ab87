package org.mailslot.protocols.smtp.inbound;

import org.junit.jupiter.api.Test;
import org.mailslot.store.MessageContent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link HeaderFields} finds fields with their octets; {@link RewrittenContent} leaves them out and adds ours. */
class HeaderRewriteTest {
    private static MessageContent content(String s) {
        return MessageContent.of(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String read(MessageContent c) throws IOException {
        try (InputStream in = c.open()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void fieldsWithFoldedValuesAndTheirRanges() throws IOException {
        String msg = "Received: from a\r\n\tby b; date\r\nX-Spam-Flag: YES\r\nSubject: hi\r\n  there\r\n\r\nX-Spam-Flag: body\r\n";
        List<HeaderFields.Field> fields = HeaderFields.read(content(msg));
        assertThat(fields).extracting(HeaderFields.Field::name).containsExactly("Received", "X-Spam-Flag", "Subject");
        assertThat(fields.get(0).value()).isEqualTo("from a\tby b; date");
        assertThat(fields.get(2).value()).isEqualTo("hi  there");
        HeaderFields.Field spam = fields.get(1);
        assertThat(msg.substring((int) spam.start(), (int) spam.end())).isEqualTo("X-Spam-Flag: YES\r\n");
    }

    @Test
    void oddLines() throws IOException {
        List<HeaderFields.Field> fields = HeaderFields.read(content("From alice Mon Jan 1 10:00:00 2026\r\nX-Spam-Flag : YES\nNoColon\r\nSubject: last"));
        assertThat(fields).extracting(HeaderFields.Field::name).containsExactly(null, "X-Spam-Flag", null, "Subject");
        assertThat(fields.get(1).value()).isEqualTo("YES");
        assertThat(fields.get(3).value()).isEqualTo("last");
        assertThat(HeaderFields.read(content(""))).isEmpty();
        assertThat(HeaderFields.read(content("\r\nbody only\r\n"))).isEmpty();
    }

    @Test
    void theFieldCountIsBounded() throws IOException {
        String many = "X-A: 1\r\n".repeat(HeaderFields.MAX_FIELDS + 50) + "\r\n";
        assertThat(HeaderFields.read(content(many))).hasSize(HeaderFields.MAX_FIELDS);
    }

    @Test
    void rewrittenContentLeavesRangesOutAndPutsOursInFront() throws IOException {
        String msg = "Received: x\r\nX-Spam-Flag: YES\r\nX-Spam-Score: 99\r\nSubject: s\r\nX-Spam-Status: No\r\n\r\nbody\r\n";
        List<Verdict.Removed> removed = HeaderFields.read(content(msg)).stream().filter(f -> f.startsWith("x-spam-"))
                .map(f -> new Verdict.Removed(f.name(), f.start(), f.end())).toList();
        Verdict v = new Verdict(List.of("A: 1\r\n", "B: 2\r\n"), removed, false, Optional.empty(), "");
        MessageContent out = v.applyTo(content(msg));
        String expected = "A: 1\r\nB: 2\r\nReceived: x\r\nSubject: s\r\n\r\nbody\r\n";
        assertThat(read(out)).isEqualTo(expected);
        assertThat(out.size()).isEqualTo(expected.length());
        assertThat(read(out)).as("opened twice").isEqualTo(expected);
    }

    @Test
    void readingInSmallPiecesOrByteByByteGivesTheSame() throws IOException {
        Random random = new Random(7);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            b.append(random.nextBoolean() ? "X-Spam-" + i : "Keep-" + i).append(": ").append("v".repeat(random.nextInt(40))).append("\r\n");
        }
        String msg = b.append("\r\n").append("z".repeat(10_000)).toString();
        List<Verdict.Removed> removed = HeaderFields.read(content(msg)).stream().filter(f -> f.startsWith("X-Spam-"))
                .map(f -> new Verdict.Removed(f.name(), f.start(), f.end())).toList();
        MessageContent out = new RewrittenContent("P: 1\r\n".getBytes(StandardCharsets.US_ASCII), content(msg), removed);
        String all = read(out);
        assertThat(all).startsWith("P: 1\r\nKeep-").doesNotContain("X-Spam-").endsWith("z".repeat(10_000));
        assertThat(all.length()).isEqualTo(out.size());
        StringBuilder small = new StringBuilder();
        try (InputStream in = out.open()) {
            byte[] buf = new byte[7];
            int n;
            while ((n = in.read(buf, 0, 1 + random.nextInt(7))) > 0) {
                small.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
        }
        assertThat(small.toString()).isEqualTo(all);
        StringBuilder single = new StringBuilder();
        try (InputStream in = out.open()) {
            int c;
            while ((c = in.read()) >= 0) {
                single.append((char) c);
            }
        }
        assertThat(single.toString()).isEqualTo(all);
    }

    @Test
    void nothingToChangeIsTheSameContent() {
        MessageContent c = content("Subject: x\r\n\r\n");
        assertThat(new Verdict(List.of(), List.of(), false, Optional.empty(), "").applyTo(c)).isSameAs(c);
    }
}
