package org.mailslot.directory;

import org.mailslot.core.testing.TestClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailslot.directory.DirectoryException.Reason.NOT_FOUND;
import static org.mailslot.directory.Fixtures.fails;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Scrub requests: pending until a scrub that started after them records its outcome, on SQLite and PostgreSQL. */
class ScrubsTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mailslot.directory.Backend#all")
    void aRequestStaysUntilTheScrubThatAnswersItIsRecorded(Backend backend) {
        TestClock clock = new TestClock();
        try (Directory d = Directory.open(backend.settings(), clock)) {
            d.registerNode("store1", "10.0.0.1");
            d.ensureSlots("store1", 2);
            assertThat(d.pendingScrubs()).isEmpty();

            ScrubRequest asked = d.requestScrub(2);
            assertThat(asked).isEqualTo(new ScrubRequest(2, clock.now));
            clock.now = clock.now.plusSeconds(1);
            assertThat(d.requestScrub(2)).isEqualTo(asked); // asking twice is asking once
            assertThat(d.pendingScrubs()).containsExactly(asked);

            // a scheduled scrub that was running when the request came answers nothing
            d.recordScrub(2, null, "clean: scheduled");
            assertThat(d.pendingScrubs()).containsExactly(asked);
            SlotEvent answer = d.recordScrub(2, asked, "clean: 6 mailboxes compared");
            assertThat(answer.kind()).isEqualTo("scrub");
            assertThat(d.pendingScrubs()).isEmpty();
            assertThat(d.listSlotEvents(2)).extracting(SlotEvent::detail)
                    .containsSubsequence("clean: scheduled", "clean: 6 mailboxes compared");

            // a late answer to an old request does not clear a newer one
            clock.now = clock.now.plusSeconds(1);
            ScrubRequest again = d.requestScrub(2);
            d.recordScrub(2, asked, "clean");
            assertThat(d.pendingScrubs()).containsExactly(again);

            assertThat(d.recordScrub(1, null, "x".repeat(5000)).detail()).hasSize(4000);
            fails(NOT_FOUND, "slot 9", () -> d.requestScrub(9));
            fails(NOT_FOUND, "slot 9", () -> d.recordScrub(9, null, "clean"));
            assertThat(d.pendingScrubs()).extracting(ScrubRequest::slot).isEqualTo(List.of(2));
        }
    }
}
