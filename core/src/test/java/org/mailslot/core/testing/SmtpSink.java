package org.mailslot.core.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Postfix's smtp-sink (Debian's postfix package) as a remote MX on a loopback address, each accepted message dumped
 * to a file in {@code dumps}. {@code options} are smtp-sink's, e.g. {@code -r RCPT} (4xx to every RCPT) or
 * {@code -f RCPT} (5xx). Shared by the tests of several modules (core's test jar).
 */
public final class SmtpSink implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/sbin/smtp-sink");

    private final Process process;
    public final Path dumps;

    public SmtpSink(String address, int port, String hostname, Path dumps, String... options) throws IOException {
        this.dumps = Files.createDirectories(dumps);
        // smtp-sink drops root privileges for -u: the dump folder must be writable by that user
        Files.setPosixFilePermissions(dumps, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(dumps.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString()));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.addAll(List.of("-u", "nobody"));
        }
        cmd.addAll(List.of("-h", hostname, "-d", dumps + "/msg."));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of(address + ":" + port, "10"));
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dumps.resolveSibling(dumps.getFileName() + ".log").toFile()).start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address, port), 500);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    close();
                    throw new IOException("smtp-sink did not start on " + address + ":" + port + ": " + cmd);
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
        }
    }

    /** The dumped messages (smtp-sink's headers first, then the message as received). */
    public List<String> messages() throws IOException {
        try (Stream<Path> files = Files.list(dumps)) {
            List<String> out = new ArrayList<>();
            for (Path p : files.sorted().toList()) {
                out.add(Files.readString(p));
            }
            return out;
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
