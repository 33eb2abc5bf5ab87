package org.mailslot.protocols.imap.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.mailslot.protocols.imap.parse.Partial;
import org.mailslot.protocols.imap.parse.Section;
import org.mailslot.store.MessageMeta;

/** Random and mutated messages: mapping, every section, BINARY, SORT and THREAD never throw. */
class FuzzTest {
    private static final String[] PIECES = {"\r\n", "\n", "--b", "--b--", "--c", "Content-Type: multipart/mixed; boundary=b",
            "Content-Type: multipart/digest; boundary=c", "Content-Type: message/rfc822",
            "Content-Transfer-Encoding: base64", "Content-Transfer-Encoding: quoted-printable", "=", "=?utf-8?q?",
            "?=", "Subject: Re: [x] ", "From: \"a\" <b@c>", "References: <a> <b", "Date: 1 Jan 2024 10:00 +0000",
            "\t", " ", ":", "\u0000", "\u00ff", "QUJD", "=4", "(", "<", "\"", "\r"};

    private final FetchRenderer renderer = new FetchRenderer(MessageSettings.defaults());

    @Test
    void randomMessagesNeverBreakTheRenderer() {
        Random random = new Random(20240310);
        List<byte[]> messages = new ArrayList<>();
        for (int n = 0; n < 1500; n++) {
            messages.add(n % 2 == 0 ? randomBytes(random) : randomPieces(random));
        }
        messages.add(Samples.crlf(Samples.MIXED));
        for (int n = 0; n < 200; n++) {
            messages.add(mutate(random, Samples.crlf(Samples.MIXED)));
        }
        for (byte[] m : messages) {
            PartMap map = renderer.map(m);
            for (List<Integer> part : List.of(List.<Integer>of(), List.of(1), List.of(2), List.of(3, 1),
                    List.of(1, 1, 1), List.of(4, 1))) {
                for (Section.SectionText t : Section.SectionText.values()) {
                    List<String> fields = List.of("subject", "content-type");
                    Slice s = renderer.section(map, new Section(part, t, fields), null);
                    assertThat(s.length()).isLessThanOrEqualTo(m.length + 2);
                    renderer.section(map, new Section(part, t, fields), new Partial(random.nextInt(50), 7));
                }
                renderer.binary(map, part, null);
            }
        }
    }

    @Test
    void randomHeadersNeverBreakSortOrThread() {
        Random random = new Random(7);
        List<MessageMeta> view = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 1; i <= 300; i++) {
            view.add(new MessageMeta(1, i, 1, Set.of(), Instant.EPOCH.plusSeconds(i), i, "h", null, null, null, i, i));
            bodies.add(randomPieces(random));
        }
        MessageSource source = m -> new ByteArrayInputStream(bodies.get((int) m.uid() - 1));
        int[] seqs = new int[view.size()];
        for (int i = 0; i < seqs.length; i++) {
            seqs[i] = i + 1;
        }
        List<SortCriterion> all = new ArrayList<>();
        for (SortCriterion.Key k : SortCriterion.Key.values()) {
            all.add(SortCriterion.of(k));
        }
        assertThat(new Sorter(MessageSettings.defaults(), source).sort(view, seqs, all)).hasSize(300);
        for (ThreadAlgorithm a : ThreadAlgorithm.values()) {
            List<ThreadNode> t = new Threader(MessageSettings.defaults(), source).thread(view, seqs, a);
            assertThat(count(t)).isEqualTo(300);
            assertThat(ThreadNode.toWire(t)).startsWith("(");
        }
    }

    private static int count(List<ThreadNode> nodes) {
        int n = 0;
        for (ThreadNode t : nodes) {
            n += (t.dummy() ? 0 : 1) + count(t.children());
        }
        return n;
    }

    private static byte[] randomBytes(Random r) {
        byte[] b = new byte[r.nextInt(400)];
        r.nextBytes(b);
        return b;
    }

    private static byte[] randomPieces(Random r) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(60);
        for (int i = 0; i < n; i++) {
            sb.append(PIECES[r.nextInt(PIECES.length)]);
            if (r.nextInt(4) == 0) {
                sb.append("\r\n");
            }
        }
        return sb.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static byte[] mutate(Random r, byte[] m) {
        byte[] b = m.clone();
        int cuts = 1 + r.nextInt(8);
        for (int i = 0; i < cuts; i++) {
            b[r.nextInt(b.length)] = (byte) "\r\n-:= b".charAt(r.nextInt(7));
        }
        return r.nextBoolean() ? b : java.util.Arrays.copyOf(b, r.nextInt(b.length));
    }
}
