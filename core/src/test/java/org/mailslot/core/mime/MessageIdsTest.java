package org.mailslot.core.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class MessageIdsTest {
    @Test
    void idsBetweenAngleBracketsWithoutWhiteSpace() {
        assertThat(MessageIds.all("<a@b> <c@d>\r\n <e @f>")).containsExactly("a@b", "c@d", "e@f");
        assertThat(MessageIds.all("<split\r\n @fold>")).containsExactly("split@fold");
        assertThat(MessageIds.all("junk <broken <ok@x>")).containsExactly("ok@x");
        assertThat(MessageIds.all("<>")).isEmpty();
        assertThat(MessageIds.all("no brackets at all")).isEmpty();
        assertThat(MessageIds.all("> stray <unclosed")).isEmpty();
        assertThat(MessageIds.all(null)).isEmpty();
    }

    @Test
    void hostileValuesTakeOnePass() {
        String opens = "<".repeat(2_000_000) + "x>";
        long start = System.nanoTime();
        assertThat(MessageIds.all(opens)).containsExactly("x");
        assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
    }

    @Test
    void threadingIdsAreOwnFirstThenParentsCappedAndDistinct() {
        String refs = IntStream.rangeClosed(1, 120).mapToObj(i -> "<r" + i + "@x>").reduce("", String::concat);
        List<String> ids = MessageIds.forThreading("<me@x> <second@x>", "<r120@x> <p@x>", refs);
        assertThat(ids.getFirst()).isEqualTo("me@x");
        assertThat(ids).doesNotContain("second@x", "r70@x").contains("p@x", "r71@x", "r120@x")
                .doesNotHaveDuplicates().hasSize(1 + 2 + 49);
        String huge = "<" + "a".repeat(MessageIds.MAX_ID_LENGTH + 1) + ">";
        assertThat(MessageIds.forThreading(huge, null, "<ok@x>")).containsExactly("ok@x");
        assertThat(MessageIds.forThreading(null, "garbage", "")).isEmpty();
    }
}
