package org.mailslot.server;

import org.mailslot.core.config.ConfigKey;
import org.mailslot.core.config.ConfigNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

@Command(name = "config", mixinStandardHelpOptions = true, description = "Shows settings and checks configuration files.",
        subcommands = {ConfigCommand.Defaults.class, ConfigCommand.Check.class})
final class ConfigCommand implements Runnable {
    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    /** Every key with its type, default and bounds, as the code reads them (like postconf -d). */
    static java.util.List<ConfigKey> allKeys() {
        ConfigNode empty = ConfigNode.empty();
        NodeConfig.read(empty, Path.of("."));
        return empty.keysRead();
    }

    @Command(name = "defaults", mixinStandardHelpOptions = true, description = "Prints every setting with its default and bounds.")
    static final class Defaults implements Runnable {
        @Override
        public void run() {
            for (ConfigKey k : allKeys()) {
                System.out.printf("%-45s %-12s default %s%s%n", k.key(), k.type(), k.defaultValue(),
                        k.bounds().isEmpty() ? "" : "  (" + k.bounds() + ")");
            }
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true, description = "Reads a configuration file and reports the first problem, naming its key.")
    static final class Check implements java.util.concurrent.Callable<Integer> {
        @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE")
        Path config;

        @Override
        public Integer call() {
            NodeConfig.load(config);
            System.out.println(config + ": ok");
            return ExitCode.OK;
        }
    }
}
