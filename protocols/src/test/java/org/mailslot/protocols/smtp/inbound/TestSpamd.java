package org.mailslot.protocols.smtp.inbound;

import org.awaitility.Awaitility;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's spamd on a free loopback port, local tests only (no DNS blocklists), no user configuration; as root it
 * runs as nobody. Tests that need it are skipped with a message when spamd is not installed.
 */
public final class TestSpamd implements AutoCloseable {
    public static final Path SPAMD = Path.of("/usr/sbin/spamd");
    /** SpamAssassin's test string: always spam (https://spamassassin.apache.org/gtube/). */
    public static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

    private final Process process;
    private final int port;

    private TestSpamd(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static TestSpamd start(Path dir) throws IOException {
        assumeTrue(Files.isExecutable(SPAMD), "spamd is not installed (Debian package spamd): spamd tests skipped");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(SPAMD.toString(), "--listen", "127.0.0.1:" + port,
                "--max-children", "1", "--min-children", "1", "--nouser-config", "--local",
                "--syslog", "stderr", "--pidfile", dir.resolve("spamd.pid").toString()));
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("--username", "nobody"));
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("spamd.log").toFile()).start();
        TestSpamd spamd = new TestSpamd(p, port);
        try {
            Awaitility.await("spamd listening on " + port).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!p.isAlive()) {
                            throw new IllegalStateException("spamd exited: " + Files.readString(dir.resolve("spamd.log")));
                        }
                        try (Socket s = new Socket()) {
                            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                            return true;
                        } catch (IOException e) {
                            return false;
                        }
                    });
        } catch (RuntimeException e) {
            spamd.close();
            throw e;
        }
        return spamd;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
