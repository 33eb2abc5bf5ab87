package org.mailslot.protocols.imap.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.mailslot.protocols.imap.parse.DateComparison;
import org.mailslot.protocols.imap.parse.DateField;
import org.mailslot.protocols.imap.parse.SearchKey;
import org.mailslot.protocols.imap.parse.SequenceSet;
import org.mailslot.protocols.imap.parse.TextField;
import org.mailslot.store.MessageMeta;

class SearchEvaluatorTest {
    private static final Instant NOW = Instant.parse("2024-03-10T12:00:00Z");

    private final Map<Long, byte[]> bodies = new HashMap<>();
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger ftsCalls = new AtomicInteger();
    private final List<MessageMeta> view = new ArrayList<>();

    private final MessageSource source = m -> {
        opened.incrementAndGet();
        return new ByteArrayInputStream(bodies.get(m.uid()));
    };
    private final FullTextSearch fts = (needle, field) -> {
        ftsCalls.incrementAndGet();
        return needle.equals("budget") ? (field == TextField.BODY ? Set.of(2L, 7L) : Set.of(2L, 5L, 7L)) : Set.of();
    };
    private final SearchEvaluator evaluator = new SearchEvaluator(MessageSettings.defaults(), fts, source,
            Clock.fixed(NOW, ZoneOffset.UTC), ZoneOffset.UTC);

    SearchEvaluatorTest() {
        add(2, 10, Set.of("\\Seen"), "2024-03-09T23:59:59Z", 100, """
                From: =?utf-8?q?J=C3=BCrgen?= <jurgen@example.de>
                To: team@example.com
                Subject: =?iso-8859-1?q?R=E9union?= budget
                Date: Sat, 9 Mar 2024 23:30:00 -0500
                X-Tag: one

                body
                """);
        add(5, 20, Set.of("\\Flagged", "$Important"), "2024-03-10T00:00:00Z", 2000, """
                From: bob@example.com
                Cc: Carol <carol@example.org>
                Subject: lunch
                Date: not a date

                body
                """);
        add(7, 30, Set.of(), "2024-03-10T11:59:00Z", 500, """
                From: alice@example.com
                Bcc: secret@example.net
                Subject: Re: budget

                body
                """);
    }

    private void add(long uid, long modSeq, Set<String> flags, String internal, long size, String message) {
        view.add(new MessageMeta(1, uid, modSeq, flags, Instant.parse(internal), size, "h" + uid, null, null, null,
                uid * 100, uid == 7 ? 200 : uid * 100)); // uid 7 replies to uid 2: its thread
        bodies.put(uid, message.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    private long[] uids(SearchKey... keys) {
        return evaluator.search(new SearchKey.And(List.of(keys)), view, new long[] {5, 99}).uids();
    }

    @Test
    void flagsKeywordsAndRev1Keys() {
        assertThat(uids(new SearchKey.Flag("\\Seen", true))).containsExactly(2);
        assertThat(uids(new SearchKey.Flag("\\SEEN", false))).containsExactly(5, 7);
        assertThat(uids(new SearchKey.Flag("$important", true))).containsExactly(5);
        assertThat(uids(new SearchKey.Flag("\\Recent", true))).isEmpty();
        assertThat(uids(new SearchKey.New())).isEmpty();
        assertThat(uids(new SearchKey.Recent())).isEmpty();
        assertThat(uids(new SearchKey.Old())).containsExactly(2, 5, 7);
        assertThat(uids(new SearchKey.All())).containsExactly(2, 5, 7);
        assertThat(uids()).containsExactly(2, 5, 7);
        assertThat(opened).hasValue(0);
    }

    @Test
    void sizesModseqAgeAndObjectIdsUseMetadataOnly() {
        assertThat(uids(new SearchKey.Size(true, 500))).containsExactly(5);
        assertThat(uids(new SearchKey.Size(false, 500))).containsExactly(2);
        assertThat(uids(new SearchKey.ModSeq(20))).containsExactly(5, 7);
        assertThat(uids(new SearchKey.Age(false, 60))).containsExactly(7); // internal date at most 60 s ago
        assertThat(uids(new SearchKey.Age(true, 60))).containsExactly(2, 5);
        assertThat(uids(new SearchKey.EmailId("M500"))).containsExactly(5);
        assertThat(uids(new SearchKey.EmailId("bogus"))).isEmpty();
        assertThat(uids(new SearchKey.ThreadId("T200"))).containsExactly(2, 7);
        assertThat(uids(new SearchKey.ThreadId("T1"))).isEmpty();
        assertThat(uids(new SearchKey.ThreadId("M200"))).isEmpty();
        assertThat(opened).hasValue(0);
    }

    @Test
    void uidAndSequenceSetsWithStarAndSaved() {
        assertThat(uids(new SearchKey.Uid(SequenceSet.of(5, 6)))).containsExactly(5);
        assertThat(uids(new SearchKey.Uid(new SequenceSet(List.of(new SequenceSet.Range(SequenceSet.STAR, 6)), false))))
                .containsExactly(7); // 6:* with * = 7
        assertThat(uids(new SearchKey.Uid(new SequenceSet(List.of(new SequenceSet.Range(100, SequenceSet.STAR)),
                false)))).containsExactly(7); // 100:* always includes the last
        assertThat(uids(new SearchKey.Sequence(new SequenceSet(List.of(new SequenceSet.Range(2, SequenceSet.STAR)),
                false)))).containsExactly(5, 7);
        assertThat(uids(new SearchKey.Sequence(SequenceSet.of(1, 9)))).containsExactly(2);
        assertThat(uids(new SearchKey.Sequence(SequenceSet.savedResult()))).containsExactly(5);
        assertThat(uids(new SearchKey.Uid(SequenceSet.savedResult()))).containsExactly(5);
        assertThat(evaluator.search(new SearchKey.Uid(SequenceSet.savedResult()), view, null).uids()).isEmpty();
    }

    @Test
    void internalDatesCompareByUtcDayAtTheBoundaries() {
        LocalDate mar10 = LocalDate.of(2024, 3, 10);
        assertThat(uids(new SearchKey.Date(DateField.INTERNAL, DateComparison.ON, mar10))).containsExactly(5, 7);
        assertThat(uids(new SearchKey.Date(DateField.INTERNAL, DateComparison.BEFORE, mar10))).containsExactly(2);
        assertThat(uids(new SearchKey.Date(DateField.INTERNAL, DateComparison.SINCE, mar10))).containsExactly(5, 7);
        assertThat(uids(new SearchKey.Date(DateField.INTERNAL, DateComparison.SINCE, mar10.plusDays(1)))).isEmpty();
    }

    @Test
    void sentDatesUseTheDateHeaderOwnDayAndFallBackToInternalDate() {
        LocalDate mar9 = LocalDate.of(2024, 3, 9);
        // uid 2: sent 9 Mar -0500 (10 Mar in UTC): its own day counts. uid 5: unparsable -> internal 10 Mar.
        // uid 7: no Date -> internal 10 Mar.
        assertThat(uids(new SearchKey.Date(DateField.SENT, DateComparison.ON, mar9))).containsExactly(2);
        assertThat(uids(new SearchKey.Date(DateField.SENT, DateComparison.SINCE, mar9.plusDays(1))))
                .containsExactly(5, 7);
        assertThat(uids(new SearchKey.Date(DateField.SENT, DateComparison.BEFORE, mar9.plusDays(1))))
                .containsExactly(2);
    }

    @Test
    void headerKeysMatchDecodedSubstringsCaseInsensitively() {
        assertThat(uids(new SearchKey.Header("FROM", "jürgen"))).containsExactly(2);
        assertThat(uids(new SearchKey.Header("FROM", "EXAMPLE.COM"))).containsExactly(5, 7);
        assertThat(uids(new SearchKey.Header("SUBJECT", "réunion"))).containsExactly(2);
        assertThat(uids(new SearchKey.Header("CC", "carol"))).containsExactly(5);
        assertThat(uids(new SearchKey.Header("BCC", "secret"))).containsExactly(7);
        assertThat(uids(new SearchKey.Header("TO", "team"))).containsExactly(2);
        assertThat(uids(new SearchKey.Header("X-Tag", ""))).containsExactly(2);
        assertThat(uids(new SearchKey.Header("x-tag", "ONE"))).containsExactly(2);
        assertThat(uids(new SearchKey.Header("X-Missing", ""))).isEmpty();
    }

    @Test
    void fullTextIsAskedOnceAndOnlyWhenNeeded() {
        assertThat(uids(new SearchKey.Text(TextField.BODY, "budget"))).containsExactly(2, 7);
        assertThat(uids(new SearchKey.Text(TextField.TEXT, "budget"))).containsExactly(2, 5, 7);
        assertThat(ftsCalls).hasValue(2);
        assertThat(uids(new SearchKey.Flag("\\Deleted", true), new SearchKey.Text(TextField.BODY, "budget")))
                .isEmpty();
        assertThat(ftsCalls).hasValue(2); // metadata excluded every message first
        assertThat(uids(new SearchKey.Text(TextField.BODY, ""))).containsExactly(2, 5, 7);
        assertThat(opened).hasValue(0);
    }

    @Test
    void orNotNestingAndCheapFirstOrdering() {
        SearchKey key = new SearchKey.Or(new SearchKey.Header("SUBJECT", "lunch"),
                new SearchKey.Not(new SearchKey.Or(new SearchKey.Flag("\\Seen", true), new SearchKey.Size(false, 600))));
        assertThat(uids(key)).containsExactly(5);
        assertThat(uids(new SearchKey.Not(new SearchKey.Not(new SearchKey.Flag("\\Seen", true)))))
                .containsExactly(2);
        opened.set(0);
        // the header key is last in the client's order but metadata already rules out two messages
        assertThat(uids(new SearchKey.Header("SUBJECT", "budget"), new SearchKey.ModSeq(25))).containsExactly(7);
        assertThat(opened).hasValue(1);
        opened.set(0);
        // two header keys on one message read its header once
        assertThat(uids(new SearchKey.Header("SUBJECT", "u"), new SearchKey.Header("FROM", "a"))).hasSize(3);
        assertThat(opened).hasValue(3);
    }

    @Test
    void resultCarriesSequencesAndHighestModseq() {
        SearchResult r = evaluator.search(new SearchKey.Flag("\\Seen", false), view, null);
        assertThat(r.uids()).containsExactly(5, 7);
        assertThat(r.sequences()).containsExactly(2, 3);
        assertThat(r.highestModSeq()).isEqualTo(30);
        assertThat(evaluator.search(new SearchKey.New(), view, null).highestModSeq()).isZero();
    }

    @Test
    void aStorageFailureIsNotANonMatch() {
        SearchEvaluator broken = new SearchEvaluator(MessageSettings.defaults(), fts, m -> {
            throw new IOException("blob gone");
        }, Clock.systemUTC(), ZoneOffset.UTC);
        assertThatThrownBy(() -> broken.search(new SearchKey.Header("FROM", "x"), view, null))
                .isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void hundredThousandMetasTiming() {
        List<MessageMeta> big = new ArrayList<>(100_000);
        Instant base = Instant.parse("2020-01-01T00:00:00Z");
        Set<String> seen = Set.of("\\Seen");
        Set<String> none = Set.of();
        for (int i = 1; i <= 100_000; i++) {
            big.add(new MessageMeta(1, i, i, i % 3 == 0 ? seen : none, base.plusSeconds(i * 600L), 1000 + i % 5000,
                    "h", null, null, null, i, i));
        }
        SearchKey key = new SearchKey.And(List.of(new SearchKey.Flag("\\Seen", false),
                new SearchKey.Date(DateField.INTERNAL, DateComparison.SINCE, LocalDate.of(2020, 6, 1)),
                new SearchKey.Or(new SearchKey.Size(true, 3000), new SearchKey.Flag("\\Flagged", true)),
                new SearchKey.Uid(new SequenceSet(List.of(new SequenceSet.Range(1, SequenceSet.STAR)), false))));
        SearchEvaluator e = new SearchEvaluator(MessageSettings.defaults(), fts, source, Clock.systemUTC(),
                ZoneOffset.UTC);
        int count = 0;
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            count = e.search(key, big, null).count();
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf("SEARCH over 100000 metas: %d matches, best of 5 %.2f ms%n", count, best / 1e6);
        assertThat(count).isPositive();
    }
}
