package org.mailslot.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A node in its own JVM, as an operator runs it ({@code mailslot run --config FILE --status-file FILE}), so
 * tests can kill it with SIGKILL and start it again on the same data. Listeners bind free ports.
 */
final class NodeProcess implements AutoCloseable {
    private final Path dir;
    private final Path config;
    private final Path status;
    private final Path log;
    private Process process;
    private JsonNode services;

    private NodeProcess(Path dir) {
        this.dir = dir;
        this.config = dir.resolve("mailslot.yaml");
        this.status = dir.resolve("status.json");
        this.log = dir.resolve("node.log");
    }

    /** Writes a test configuration (free ports, self-signed TLS, plaintext login on loopback) and starts the node. */
    static NodeProcess start(Path dir, String extraYaml) throws Exception {
        NodeProcess node = configure(dir, extraYaml);
        node.launch(List.of());
        return node;
    }

    /** Writes the test configuration without starting the node. */
    static NodeProcess configure(Path dir, String extraYaml) throws Exception {
        return configure(dir, "node1", extraYaml);
    }

    /** Every service on a free port of 127.0.0.1, with implicit-TLS listeners beside STARTTLS ones. */
    static final String FREE_PORTS = """
            smtp:
              listen: 127.0.0.1:0
            submission:
              listen: 127.0.0.1:0
              listen-tls: 127.0.0.1:0
            lmtp:
              listen: 127.0.0.1:0
            pop3:
              listen: 127.0.0.1:0
              listen-tls: 127.0.0.1:0
            imap:
              listen: 127.0.0.1:0
              listen-tls: 127.0.0.1:0
            metrics:
              listen: 127.0.0.1:0
            """;

    /** Writes the test configuration of the node named {@code nodeName} without starting it. */
    static NodeProcess configure(Path dir, String nodeName, String extraYaml) throws Exception {
        return configure(dir, nodeName, "store", FREE_PORTS, extraYaml);
    }

    /** A node of the given role ({@code store} or {@code front}) whose services listen as {@code listenYaml} says. */
    static NodeProcess configure(Path dir, String nodeName, String role, String listenYaml, String extraYaml) throws Exception {
        Files.createDirectories(dir);
        NodeProcess node = new NodeProcess(dir);
        Files.writeString(node.config, """
                node:
                  name: %s
                  roles: [%s]
                  hostname: mail.test
                  data-dir: data
                  slots: 4
                tls:
                  self-signed: true
                auth:
                  plaintext: loopback
                  failure-delay: 100ms
                """.formatted(nodeName, role) + listenYaml + extraYaml);
        return node;
    }

    Path config() {
        return config;
    }

    Path dir() {
        return dir;
    }

    NodeConfig nodeConfig() {
        return NodeConfig.load(config);
    }

    /** (Re)starts the node process on the same configuration and data, with extra environment variables. */
    void launch(List<String> env) throws Exception {
        Files.deleteIfExists(status);
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "--enable-native-access=ALL-UNNAMED", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "run", "--config", config.toString(), "--status-file", status.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        for (String kv : env) {
            int eq = kv.indexOf('=');
            pb.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        process = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!Files.exists(status)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("node exited with " + process.exitValue() + "; log:\n" + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("node not ready after 90 s; log:\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
        services = new ObjectMapper().readTree(status.toFile()).path("services");
    }

    int port(String service) {
        JsonNode s = services.path(service);
        if (s.isMissingNode()) {
            throw new IllegalArgumentException("no service " + service + " in " + services);
        }
        return s.path("port").asInt();
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed that was not already durable. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Waits for the process to end by itself (a crash point halted it); returns its exit status. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("node still running after " + timeout);
        }
        return process.exitValue();
    }

    /** SIGTERM, then waits for a clean exit; returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        return process.exitValue();
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() throws Exception {
        if (alive()) {
            kill9();
        }
    }

    static String javaBin() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
