package org.mailslot.protocols.imap.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.mailslot.protocols.imap.message.SortCriterion.Key;
import org.mailslot.store.MessageMeta;

class SortThreadTest {
    private final List<MessageMeta> view = new ArrayList<>();
    private final Map<Long, byte[]> bodies = new HashMap<>();
    private final MessageSource source = m -> new ByteArrayInputStream(bodies.get(m.uid()));
    private final Sorter sorter = new Sorter(MessageSettings.defaults(), source);
    private final Threader threader = new Threader(MessageSettings.defaults(), source);

    private void add(String internal, long size, String header) {
        long uid = view.size() + 10L;
        view.add(new MessageMeta(1, uid, 1, Set.of(), Instant.parse(internal), size, "h", null, null, null, uid, uid));
        bodies.put(uid, (header + "\n\nbody\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    private int[] all() {
        int[] s = new int[view.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = i + 1;
        }
        return s;
    }

    private void sortSample() {
        add("2024-01-03T00:00:00Z", 300, "From: \"Zed\" <alpha@x>\nTo: b@x\nSubject: Re: beta\nDate: 1 Jan 2024 10:00 +0000");
        add("2024-01-01T00:00:00Z", 100, "From: Carl <zulu@x>\nTo: a@x\nCc: m@x\nSubject: alpha\nDate: bogus");
        add("2024-01-02T00:00:00Z", 200, "From: bravo@x\nSubject: [list] Beta\nDate: 2 Jan 2024 09:00 +0100");
        add("2024-01-02T00:00:00Z", 200, "Subject: =?utf-8?q?Alpha?=\nDate: 31 Dec 2023 23:00 -0500");
    }

    @Test
    void sortCriteriaAndTiesBySequence() {
        sortSample();
        assertThat(sorter.sort(view, all(), List.of(SortCriterion.of(Key.ARRIVAL)))).containsExactly(2, 3, 4, 1);
        assertThat(sorter.sort(view, all(), List.of(SortCriterion.reversed(Key.ARRIVAL)))).containsExactly(1, 3, 4, 2);
        assertThat(sorter.sort(view, all(), List.of(SortCriterion.of(Key.SIZE)))).containsExactly(2, 3, 4, 1);
        // DATE: 1 = 1 Jan 10:00Z; 2 = bogus -> internal 1 Jan 00:00Z; 3 = 2 Jan 08:00Z; 4 = 1 Jan 04:00Z
        assertThat(sorter.sort(view, all(), List.of(SortCriterion.of(Key.DATE)))).containsExactly(2, 4, 1, 3);
        // SUBJECT: alpha(2), alpha(4), beta(1), beta(3)
        assertThat(sorter.sort(view, all(), List.of(SortCriterion.of(Key.SUBJECT)))).containsExactly(2, 4, 1, 3);
        assertThat(sorter.sort(view, all(), List.of(SortCriterion.of(Key.SUBJECT), SortCriterion.reversed(Key.DATE))))
                .containsExactly(4, 2, 3, 1); // REVERSE applies to DATE only
        // FROM by mailbox: "" (4), alpha (1), bravo (3), zulu (2)
        assertThat(sorter.sort(view, all(), List.of(SortCriterion.of(Key.FROM)))).containsExactly(4, 1, 3, 2);
        // DISPLAYFROM: "" (4), bravo@x (3), carl (2), zed (1)
        assertThat(sorter.sort(view, all(), List.of(SortCriterion.of(Key.DISPLAYFROM)))).containsExactly(4, 3, 2, 1);
        assertThat(sorter.sort(view, all(), List.of(SortCriterion.of(Key.TO)))).containsExactly(3, 4, 2, 1);
        assertThat(sorter.sort(view, all(), List.of(SortCriterion.of(Key.DISPLAYTO)))).containsExactly(3, 4, 2, 1);
        assertThat(sorter.sort(view, all(), List.of(SortCriterion.of(Key.CC)))).containsExactly(1, 3, 4, 2);
        assertThat(sorter.sort(view, new int[] {3, 1}, List.of(SortCriterion.of(Key.SIZE)))).containsExactly(3, 1);
    }

    @Test
    void orderedSubject() {
        sortSample();
        List<ThreadNode> t = threader.thread(view, all(), ThreadAlgorithm.ORDEREDSUBJECT);
        // alpha: 2 (1 Jan 00:00Z), 4 (1 Jan 04:00Z); beta: 1 (1 Jan 10:00Z), 3 (2 Jan)
        assertThat(ThreadNode.toWire(t)).isEqualTo("(2 4)(1 3)");
        assertThat(ThreadNode.toWire(t, seq -> view.get(seq - 1).uid())).isEqualTo("(11 13)(10 12)");
    }

    private static Threader.Info msg(int seq, String id, String refs, String subject) {
        return new Threader.Info(seq, seq * 1000L, id, refs.isEmpty() ? List.of() : List.of(refs.split(" ")), subject);
    }

    private static String refs(Threader.Info... messages) {
        return ThreadNode.toWire(Threader.thread(List.of(messages), ThreadAlgorithm.REFERENCES));
    }

    @Test
    void referencesBasicTreeAndBranches() {
        assertThat(refs(
                msg(1, "a", "", "x"),
                msg(2, "b", "a", "Re: x"),
                msg(3, "c", "a b", "Re: x"),
                msg(4, "d", "a", "Re: x"),
                msg(5, "e", "", "other"))).isEqualTo("(1 (2 3)(4))(5)");
    }

    @Test
    void referencesMissingParentBecomesDummyOnlyWhenItGroupsSeveral() {
        // parent "p" never arrives: two children under a root dummy
        assertThat(refs(msg(1, "a", "p", "Re: q"), msg(2, "b", "p", "Re: q"))).isEqualTo("((1)(2))");
        // a single child of a missing parent is promoted
        assertThat(refs(msg(1, "a", "p", "Re: q"))).isEqualTo("(1)");
        // missing grandparent between known messages: dummy in the middle is dropped, children promoted
        assertThat(refs(msg(1, "a", "", "s"), msg(2, "c", "a missing", "Re: s"))).isEqualTo("(1 2)");
    }

    @Test
    void referencesLoopsAndDuplicatesAreSafe() {
        // a references b, b references a: the first link (b parent of a) stands, the loop is not made
        assertThat(refs(msg(1, "a", "b", "t"), msg(2, "b", "a", "Re: t"))).isEqualTo("(2 1)");
        // a longer cycle through three messages
        assertThat(refs(msg(1, "a", "c", "t"), msg(2, "b", "a", "t"), msg(3, "c", "b", "t"))).isEqualTo("(3 1 2)");
        // a message that references itself
        assertThat(refs(msg(1, "a", "a", "self"))).isEqualTo("(1)");
        // duplicate Message-ID: the second gets its own identity
        assertThat(refs(msg(1, "dup", "", "one"), msg(2, "dup", "", "two"))).isEqualTo("(1)(2)");
        // no Message-ID at all
        assertThat(refs(msg(1, null, "", "n1"), msg(2, null, "", "n2"))).isEqualTo("(1)(2)");
    }

    @Test
    void referencesSubjectGrouping() {
        // no references at all: replies join the original by subject
        assertThat(refs(msg(1, "a", "", "lunch"), msg(2, "b", "", "Re: lunch"), msg(3, "c", "", "RE: Lunch")))
                .isEqualTo("(1 (2)(3))");
        // two originals with the same subject: a dummy holds both
        assertThat(refs(msg(1, "a", "", "lunch"), msg(2, "b", "", "lunch"))).isEqualTo("((1)(2))");
        // a later message joins the dummy
        assertThat(refs(msg(1, "a", "", "lunch"), msg(2, "b", "", "lunch"), msg(3, "c", "", "lunch")))
                .isEqualTo("((1)(2)(3))");
        // empty subjects are never grouped
        assertThat(refs(msg(1, "a", "", ""), msg(2, "b", "", "Re:"))).isEqualTo("(1)(2)");
    }

    @Test
    void referencesSiblingsBySentDateThenSequence() {
        Threader.Info root = new Threader.Info(1, 100, "r", List.of(), "s");
        Threader.Info late = new Threader.Info(2, 900, "l", List.of("r"), "Re: s");
        Threader.Info early = new Threader.Info(3, 200, "e", List.of("r"), "Re: s");
        Threader.Info tie = new Threader.Info(4, 200, "t", List.of("r"), "Re: s");
        assertThat(ThreadNode.toWire(Threader.thread(List.of(root, late, early, tie), ThreadAlgorithm.REFERENCES)))
                .isEqualTo("(1 (3)(4)(2))");
    }

    @Test
    void wireFormOfTheRfcExample() {
        ThreadNode n = new ThreadNode(3, List.of(new ThreadNode(6, List.of(
                new ThreadNode(4, List.of(new ThreadNode(23, List.of()))),
                new ThreadNode(44, List.of(new ThreadNode(7, List.of(new ThreadNode(96, List.of())))))))));
        assertThat(ThreadNode.toWire(List.of(new ThreadNode(2, List.of()), n))).isEqualTo("(2)(3 6 (4 23)(44 7 96))");
    }

    @Test
    void threadingFromMessageBytes() {
        add("2024-01-01T00:00:00Z", 1, "Message-ID: <a@x>\nSubject: plan\nDate: 1 Jan 2024 10:00 +0000");
        add("2024-01-01T00:00:00Z", 1, "Message-ID: <b@x>\nIn-Reply-To: <a@x> (sent by x)\nSubject: Re: plan\n"
                + "Date: 1 Jan 2024 11:00 +0000");
        add("2024-01-01T00:00:00Z", 1, "Message-ID: <c@x>\nReferences: <a@x>\n <b@x>\nSubject: Re: plan\n"
                + "Date: 1 Jan 2024 12:00 +0000");
        add("2024-01-01T00:00:00Z", 1, "Subject: other\nDate: 1 Jan 2024 09:00 +0000");
        assertThat(ThreadNode.toWire(threader.thread(view, all(), ThreadAlgorithm.REFERENCES))).isEqualTo("(4)(1 2 3)");
        assertThat(ThreadNode.toWire(threader.thread(view, new int[] {1, 3}, ThreadAlgorithm.REFERENCES)))
                .isEqualTo("(1 3)");
    }
}
