package org.mailslot.cluster.vip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Directory;
import org.mailslot.directory.DirectorySettings;
import org.mailslot.directory.NodeRole;
import org.mailslot.directory.Vip;

/**
 * How long a front's VIPs stay unserved when the front is killed with SIGKILL: one front runs in a child JVM, the
 * other in this one, both with the default timing; the child is killed and the time until this front holds every VIP
 * is measured and printed. DESIGN.md's anchor is keepalived's 3.5 s; architecture.md "VIPs and DNS" works out the
 * bound (3.0 s plus directory round trips with the defaults). Measured twice: the killed front first holds the VIP
 * manager's lease, then not. The only bound checked is a generous 10 s: timing on a shared CI machine varies.
 */
class VipTakeoverTest {
    static final List<String> VIPS = List.of("127.0.0.31", "127.0.0.32", "127.0.0.33", "127.0.0.34");

    @TempDir
    Path dir;

    @Test
    void takeoverAfterSigkill() throws Exception {
        long managerKilled = measure(true);
        long otherKilled = measure(false);
        System.out.printf("VIP takeover after SIGKILL: %d ms when the killed front ran the VIP manager, %d ms when it"
                + " did not (heartbeat 500 ms, takeover-after 2.5 s)%n", managerKilled, otherKilled);
        assertThat(managerKilled).isLessThan(10_000);
        assertThat(otherKilled).isLessThan(10_000);
    }

    /** One round on a fresh directory; returns the milliseconds from SIGKILL to this front holding every VIP. */
    private long measure(boolean childLeads) throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("directory-" + childLeads + ".db");
        Path childOut = dir.resolve("child-" + childLeads + ".log");
        try (Directory directory = Directory.open(DirectorySettings.defaults(url))) {
            directory.addNode("child", "127.0.0.1", Set.of(NodeRole.FRONT));
            directory.addNode("here", "127.0.0.1", Set.of(NodeRole.FRONT));
            VIPS.forEach(v -> directory.addVip(v, null));
            VipAgent here = new VipAgent(directory, "here", new LoopbackIpManager(), VipSettings.defaults(),
                    VipAgent.Listener.NONE, Clock.systemUTC());
            Process child = null;
            try {
                if (!childLeads) {
                    here.start();
                    await().atMost(Duration.ofSeconds(10)).until(here::leading);
                }
                child = startChild(url, childOut);
                if (childLeads) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> childHolds(childOut) > 0);
                    here.start();
                }
                Process running = child;
                await().atMost(Duration.ofSeconds(30)).until(() -> running.isAlive() && childHolds(childOut) == 2
                        && here.held().size() == 2 && settled(directory));
                assertThat(here.leading()).isEqualTo(!childLeads);
                long killed = System.nanoTime();
                child.destroyForcibly(); // SIGKILL: no release, no last words
                while (here.held().size() < VIPS.size()) {
                    Thread.sleep(1);
                    assertThat(System.nanoTime() - killed).as("takeover within 30 s").isLessThan(30_000_000_000L);
                }
                long ms = (System.nanoTime() - killed) / 1_000_000;
                assertThat(directory.listVips()).extracting(Vip::owner).containsOnly("here");
                return ms;
            } finally {
                if (child != null) {
                    child.destroyForcibly().waitFor();
                }
                here.close();
            }
        }
    }

    private static boolean settled(Directory directory) {
        return directory.listVips().stream().allMatch(v -> v.owner() != null && v.movingTo() == null);
    }

    private static Process startChild(String url, Path out) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                FrontProcess.class.getName(), url, "child"));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
    }

    /** VIPs the child holds, from what it printed. */
    private static int childHolds(Path out) throws IOException {
        if (!Files.exists(out)) {
            return 0;
        }
        int held = 0;
        for (String line : Files.readAllLines(out)) {
            if (line.startsWith("VIP+ ")) {
                held++;
            } else if (line.startsWith("VIP- ")) {
                held--;
            }
        }
        return held;
    }
}
