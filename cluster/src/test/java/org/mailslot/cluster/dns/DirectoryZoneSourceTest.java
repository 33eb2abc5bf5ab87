package org.mailslot.cluster.dns;

import org.mailslot.core.testing.TestClock;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Directory;
import org.mailslot.directory.DirectorySettings;
import org.mailslot.directory.NodeRole;

/** Which VIPs DNS hands out: those with a live holder, all of them when none has one; SPF always lists all. */
class DirectoryZoneSourceTest {

    @Test
    void vipsOfLiveHoldersElseAll(@TempDir Path dir) {
        TestClock clock = new TestClock();
        try (Directory d = Directory.open(DirectorySettings.defaults("jdbc:sqlite:" + dir.resolve("d.db")), clock)) {
            d.addNode("front1", "127.0.0.1", Set.of(NodeRole.FRONT));
            d.addNode("front2", "127.0.0.1", Set.of(NodeRole.FRONT));
            d.addDomain("example.com");
            d.addVip("127.0.0.21", null);
            d.addVip("127.0.0.22", null);
            d.addVip("127.0.0.23", null);
            d.assignVip("127.0.0.21", null, "front1");
            d.assignVip("127.0.0.22", null, "front2");
            d.vipHeartbeat("front1", clock.now);
            d.vipHeartbeat("front2", clock.now.minusSeconds(10)); // dead
            DkimRecords keys = () -> List.of(new DkimRecord("example.com", "s1", "v=DKIM1; p=AAAA"));
            DirectoryZoneSource source = new DirectoryZoneSource(d, Duration.ofMillis(2500), clock, keys);

            ZoneData data = source.load();
            assertThat(data.answerVips()).containsExactly(InetAddress.ofLiteral("127.0.0.21"));
            assertThat(data.allVips()).hasSize(3);
            assertThat(data.domains()).containsExactly("example.com");
            assertThat(data.dkim()).extracting(DkimRecord::selector).containsExactly("s1");

            clock.now = clock.now.plusSeconds(10); // every holder dead: hand out all rather than nothing
            assertThat(source.load().answerVips()).hasSize(3);

            // the directory's own DKIM keys: old ones stay published while mail signed with them may be in flight
            var old = d.generateDkimKey("example.com", "s2025", 1024);
            var current = d.generateDkimKey("example.com", "s2026", 1024);
            List<DkimRecord> published = new DirectoryZoneSource(d, Duration.ofMillis(2500), clock).load().dkim();
            assertThat(published).containsExactlyInAnyOrder(
                    new DkimRecord("example.com", "s2025", old.recordText()),
                    new DkimRecord("example.com", "s2026", current.recordText()));
        }
    }
}
