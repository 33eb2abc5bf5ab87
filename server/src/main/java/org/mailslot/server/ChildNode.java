package org.mailslot.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A node in a process of its own, started the way an operator runs one ({@code mailslot run --config FILE
 * --status-file FILE}) with this JVM's Java and class path; its output goes to a log file. The demo runs its store
 * nodes so, which lets a user kill one (a crashed server) and fail its slots over while the others go on.
 */
final class ChildNode {
    /** Lines of the log shown when the node does not come up. */
    private static final int LOG_TAIL = 30;

    private final String name;
    private final Path config;
    private final Path status;
    private final Path log;
    private final Process process;
    private volatile boolean stopping;

    private ChildNode(String name, Path config, Path status, Path log, Process process) {
        this.name = name;
        this.config = config;
        this.status = status;
        this.log = log;
        this.process = process;
    }

    /** Starts the node; {@link #awaitReady} tells when it listens. */
    static ChildNode start(String name, Path config, Path status, Path log) throws IOException {
        Files.deleteIfExists(status);
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("--enable-native-access=ALL-UNNAMED");
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-Xmx") || arg.startsWith("-Xms")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-cp", absoluteClassPath(), Main.class.getName(),
                "run", "--config", config.toString(), "--status-file", status.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new ChildNode(name, config, status, log, process);
    }

    /** The class path with every entry absolute, so that it holds whatever the child's working directory. */
    private static String absoluteClassPath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            entries.add(entry.isEmpty() ? entry : Path.of(entry).toAbsolutePath().toString());
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    /**
     * Waits until the node wrote its status file (every listener ready) and returns it; throws with the end of its log
     * when it exits first or takes longer than {@code timeout}.
     */
    JsonNode awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(status)) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with status " + process.exitValue() + " while starting; the end of "
                        + log + ":\n" + logTail());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(name + " was not ready after " + timeout.toSeconds() + " s; the end of " + log
                        + ":\n" + logTail());
            }
            Thread.sleep(50);
        }
        return NodeStatus.JSON.readTree(status.toFile());
    }

    /** Calls {@code then} with the exit status when the node ends other than by {@link #requestStop}. */
    void onUnexpectedExit(java.util.function.IntConsumer then) {
        process.onExit().thenAccept(p -> {
            if (!stopping) {
                then.accept(p.exitValue());
            }
        });
    }

    String name() {
        return name;
    }

    Path config() {
        return config;
    }

    Path log() {
        return log;
    }

    long pid() {
        return process.pid();
    }

    /** SIGTERM: the node closes its listeners and slots, and exits. */
    void requestStop() {
        stopping = true;
        process.destroy();
    }

    /** Waits for the node to end after {@link #requestStop}; SIGKILL when it has not after {@code grace}. */
    void awaitStop(Duration grace) throws InterruptedException {
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    private String logTail() throws IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL), lines.size()));
    }
}
