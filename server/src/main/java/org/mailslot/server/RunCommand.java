package org.mailslot.server;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs a node with the given configuration until SIGTERM or Ctrl-C.")
final class RunCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "mailslot.yaml (see docs/configuration.md)")
    Path config;

    @Option(names = "--status-file", paramLabel = "FILE",
            description = "write the node's pid and listening addresses as JSON to FILE once every listener is ready")
    Path statusFile;

    @Override
    public Integer call() throws Exception {
        NodeConfig nodeConfig = NodeConfig.load(config);
        if (statusFile != null) {
            java.nio.file.Files.deleteIfExists(statusFile);
        }
        RunningNode node = nodeConfig.isFront() ? FrontNode.start(nodeConfig) : MailNode.start(nodeConfig);
        if (statusFile != null) {
            try {
                NodeStatus.write(statusFile, NodeStatus.describe(nodeConfig.nodeName(), config, nodeConfig.dataDir(), node));
            } catch (java.io.IOException e) {
                node.close();
                throw e;
            }
        }
        Path status = statusFile;
        awaitShutdown(() -> {
            node.close();
            if (status != null) {
                java.nio.file.Files.deleteIfExists(status);
            }
        });
        return ExitCode.OK;
    }

    /**
     * Blocks until SIGTERM or SIGINT (Ctrl-C), then closes the node; the command then returns and the process
     * exits 0, so service managers see a clean stop. Other ways the JVM ends still close the node via a hook.
     */
    @SuppressWarnings("removal")
    static void awaitShutdown(AutoCloseable node) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable close = () -> {
            if (closed.compareAndSet(false, true)) {
                try {
                    node.close();
                } catch (Exception e) {
                    System.err.println("mailslot: error while stopping: " + e.getMessage());
                }
            }
        };
        for (String name : new String[]{"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> stop.countDown());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(close, "shutdown"));
        stop.await();
        close.run();
    }
}
